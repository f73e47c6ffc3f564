import AcmeCore
import AcmeEvents
import AcmeKafka
import AcmeServer
import Configuration
import Foundation
import Logging
import Testing

/// `--event-bus` / `ACME_EVENT_BUS` / `ACME_KAFKA_BROKERS`, and what the server does with them.
@Suite struct EventBusSettingTests {
    static func config(_ values: [String: String]) throws -> AcmeConfig {
        try AcmeConfig(reader: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: values).prefixKeys(with: "acme")))
    }

    @Test func theEmbeddedLogIsTheDefaultAndKafkaIsChosenByURLOrBrokerList() throws {
        #expect(try Self.config([:]).eventBus == .embedded)
        #expect(try Self.config(["ACME_EVENT_BUS": "embedded", "ACME_KAFKA_BROKERS": "k:9092"]).eventBus == .embedded)
        #expect(try Self.config(["ACME_EVENT_BUS": "kafka://a:9092,b:9093"]).eventBus == .kafka(brokers: "a:9092,b:9093"))
        #expect(try Self.config(["ACME_KAFKA_BROKERS": "a:9092, b:9093"]).eventBus == .kafka(brokers: "a:9092,b:9093"))
    }

    @Test func kafkaPropertiesArePassedToTheClients() throws {
        let config = try Self.config(["ACME_KAFKA_PROPERTIES": "security.protocol=ssl, sasl.password=a=b,fetch.wait.max.ms=100"])
        #expect(config.kafkaProperties == ["security.protocol": "ssl", "sasl.password": "a=b", "fetch.wait.max.ms": "100"])
        for bad in ["novalue", "=x", "a b=c", "ok=1,broken"] {
            #expect(throws: ConfigError.self, "\(bad)") { try Self.config(["ACME_KAFKA_PROPERTIES": bad]) }
        }
    }

    @Test func malformedBusSettingsStopTheStart() {
        for values in [["ACME_EVENT_BUS": "kafka"], ["ACME_EVENT_BUS": "kafka://"], ["ACME_EVENT_BUS": "kafka://host"],
                       ["ACME_EVENT_BUS": "redis://h:1"], ["ACME_KAFKA_BROKERS": "h:0"], ["ACME_KAFKA_BROKERS": ","]] {
            #expect(throws: ConfigError.self, "\(values)") { try Self.config(values) }
        }
    }

    #if !Kafka
    @Test func askingForKafkaInABuildWithoutItFailsAtStartWithAClearMessage() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("acme-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        var config = TestApp.config(dataDir: dataDir)
        config.eventBus = .kafka(brokers: "127.0.0.1:1")
        await #expect(throws: ConfigError.kafkaUnsupported) {
            _ = try await AcmeServer.build(config, clock: ManualWallClock(), logger: Logger(label: "test"))
        }
        await #expect(throws: ConfigError.kafkaUnsupported) {
            try await EventTail(topic: "acme.users.events", maxEvents: 1).run(config, logger: Logger(label: "test")) { _ in }
        }
        #expect(ConfigError.kafkaUnsupported.description == "this build has no Kafka support; build with --traits Kafka")
    }
    #endif

    /// What the services really publish survives Avro on the wire byte for byte, so a consumer on Kafka sees
    /// exactly the JSON a consumer of the embedded log sees.
    @Test func everyEventThePlatformPublishesComesBackFromAvroByteForByte() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let bob = try await app.signup("Bob")
            let org = try await app.createOrg(ann)
            try await app.addMember(bob, to: org, role: "member", by: ann)
            let project = try await app.createProject(ann, in: org, key: "WIRE")
            try await app.setProjectRole(bob, in: project, role: "editor", by: ann)
            let document = try await app.request(.post, "/v1/projects/\(project)/documents", token: ann.accessToken,
                                                 body: ["title": "Wire / \"test\" ü", "body": "# Body\n\nwith \\ and ünïcode 🎉"])
            #expect(document.status == .created)

            let format = try AvroWireFormat.platform()
            let topics: [Topic] = [.usersEvents, .projectsEvents, .documentsEvents, .auditLog]
            let events = try await EventEmissionTests.collect(app, topics: topics) { headers in
                Set(headers.map(\.type)).isSuperset(of: ["user.created", "org.member_added", "project.created", "document.created", "audit.entry"])
            }
            #expect(Set(events.map(\.0)) == Set(topics))
            for (topic, header, value) in events {
                let wire = try format.encode(value, topic: topic)
                #expect(Array(wire.prefix(4)) == [0x4F, 0x62, 0x6A, 0x01])
                #expect(try format.decode(wire, topic: topic) == value, "\(header.type) on \(topic) changed on the way")
            }
        }
    }
}
