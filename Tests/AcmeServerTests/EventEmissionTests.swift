import AcmeCore
import AcmeEvents
import Foundation
import HTTPTypes
import Testing

/// State changes publish their events (and audit entries) through the outbox onto the event log.
@Suite struct EventEmissionTests {
    /// Reads events from the log until `predicate` holds for the headers seen so far (the relay runs
    /// asynchronously) or 10 s pass.
    static func collect(_ app: TestApp, topics: [Topic], until predicate: ([EventHeader]) -> Bool) async throws -> [(Topic, EventHeader, [UInt8])] {
        let consumer = try await app.eventLog.consumer(group: "test-\(UUID().uuidString)", topics: topics)
        var seen: [(Topic, EventHeader, [UInt8])] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while !predicate(seen.map(\.1)), ContinuousClock.now < deadline {
            for event in try await consumer.poll(max: 100, timeout: .milliseconds(200)) {
                seen.append((event.topic, try EventCodec.header(event.value), event.value))
            }
        }
        return seen
    }

    @Test func signupOrgAndInvitationPublishEventsAndAuditEntries() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let bob = try await app.signup("Bob")
            let org = try await app.createOrg(ann)
            try await app.addMember(bob, to: org, role: "member", by: ann)

            let wanted: Set<String> = ["account.created", "user.created", "user.logged_in", "org.created", "org.member_added", "org.invitation_created"]
            let events = try await Self.collect(app, topics: [.usersEvents]) { headers in
                wanted.isSubset(of: Set(headers.map(\.type))) && headers.filter { $0.type == "org.member_added" }.count == 2
            }
            let types = Set(events.map(\.1.type))
            #expect(wanted.isSubset(of: types), "missing \(wanted.subtracting(types))")

            let userCreated = try #require(events.first { $0.1.type == "user.created" && $0.1.subject == ann.id })
            #expect(userCreated.1.subjectVersion == 1)
            #expect(userCreated.1.orgId == nil)
            // Org events are keyed by the org and their versions increase.
            let orgVersions = events.filter { $0.1.orgId == org }.compactMap(\.1.subjectVersion)
            #expect(orgVersions == orgVersions.sorted())
            #expect(Set(orgVersions).count == orgVersions.count)
            let added = events.filter { $0.1.type == "org.member_added" }
            #expect(added.allSatisfy { $0.1.actor != nil && $0.1.orgId == org })

            let audit = try await Self.collect(app, topics: [.auditLog]) { headers in
                Set(headers.map(\.type)) == ["audit.entry"] && headers.count >= events.count
            }
            #expect(audit.count == events.count)
            struct Entry: Codable, Sendable { var action: String; var requestId: String }
            let actions = try audit.map { try EventCodec.decode(Entry.self, from: $0.2).payload.action }
            #expect(Set(actions) == types)
        }
    }

    @Test func failedRequestsPublishNothing() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            _ = try await app.request(.post, "/v1/orgs", token: ann.accessToken, body: ["name": "", "slug": "x", "region": "mars"])
            _ = try await app.request(.post, "/v1/orgs", token: ann.accessToken, json: "{")
            let marker = try await app.createOrg(ann, slug: "marker-org")
            let events = try await Self.collect(app, topics: [.usersEvents]) { headers in headers.contains { $0.orgId == marker && $0.type == "org.member_added" } }
            #expect(events.filter { $0.1.type == "org.created" }.map(\.1.orgId) == [marker])
        }
    }
}
