import AcmeEvents
import AcmeServer
import Foundation
import Logging
import Testing

/// `acme-server events tail` reads the log outside any consumer group and prints JSON lines.
@Suite struct EventTailTests {
    static func tailConfig(_ app: TestApp) -> AcmeConfig {
        var config = TestApp.config(dataDir: app.dataDir)
        config.databaseSchemaPrefix = app.schemaPrefix
        return config
    }

    static func decode(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func fromTheBeginningPrintsRetainedEventsAsJSONLines() async throws {
        try await TestApp.run { app in
            _ = try await app.signup("Ann")
            var lines: [String] = []
            try await EventTail(topic: "acme.users.events", fromBeginning: true, maxEvents: 2)
                .run(Self.tailConfig(app), logger: Logger(label: "test")) { lines.append($0) }
            #expect(lines.count == 2)
            let firstLine = try #require(lines.first)
            let first = try Self.decode(firstLine)
            #expect(first["topic"] as? String == "acme.users.events")
            #expect(first["offset"] is Int && first["partition"] is Int && first["key"] is String)
            let event = try #require(first["event"] as? [String: Any])
            #expect(["account.created", "user.created", "user.logged_in"].contains(event["type"] as? String ?? ""))
        }
    }

    @Test func fromTheEndPrintsOnlyNewEvents() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            // The relay moves the sign-up's events to the log asynchronously: wait for them first.
            _ = try await EventEmissionTests.collect(app, topics: [.usersEvents]) { headers in
                Set(headers.map(\.type)).isSuperset(of: ["account.created", "user.created", "user.logged_in"])
            }
            let config = Self.tailConfig(app)
            let tail = Task {
                var lines: [String] = []
                try await EventTail(topic: "acme.users.events", maxEvents: 1).run(config, logger: Logger(label: "test")) { lines.append($0) }
                return lines
            }
            try await Task.sleep(for: .milliseconds(500))
            _ = try await app.createOrg(ann)
            let lines = try await tail.value
            let line = try #require(lines.first)
            let event = try #require(try Self.decode(line)["event"] as? [String: Any])
            #expect(event["type"] as? String == "org.created")
        }
    }
}
