import AcmeEvents
import AcmeTestSupport
import Foundation
import Logging
@testable import Search
import Testing

/// The indexer reads the services' events from a real event log, and a rebuild from the log equals the live index.
@Suite struct SearchIndexerTests {
    static let org = IndexFixture.org
    static let project = "prj_00000000000000000000000001"
    static let secret = "prj_00000000000000000000000002"

    /// The services' events, as they publish them (the fields Search reads, in the envelope they travel in).
    static func events() throws -> [OutgoingEvent] {
        var id = 0
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        func event(_ type: String, _ topic: Topic, subject: String, version: Int64?, actor: String? = IndexFixture.alice, _ payload: SearchEvents.Payload) throws -> OutgoingEvent {
            id += 1
            let envelope = EventEnvelope(
                id: String(format: "evt_%026d", id), type: type, occurredAt: at.addingTimeInterval(Double(id)), orgId: org,
                actor: actor, subject: subject, subjectVersion: version, traceparent: nil, payload: payload)
            return OutgoingEvent(topic: topic, key: org, value: try EventCodec.encode(envelope))
        }
        func doc(_ n: Int) -> String { String(format: "doc_%026d", n) }
        var events = [
            try event("user.created", .usersEvents, subject: IndexFixture.bob, version: 1, .init(userId: IndexFixture.bob, email: "bob@example.com", name: "Bob Falconer")),
            try event("org.member_added", .usersEvents, subject: org, version: 2, .init(userId: IndexFixture.bob, orgId: org)),
            try event("project.created", .projectsEvents, subject: project, version: 1, .init(name: "Falcons", projectId: project, key: "FAL", description: "Falcon care", visibility: "org")),
            try event("project.created", .projectsEvents, subject: secret, version: 1, .init(name: "Secret falcons", projectId: secret, key: "SEC", visibility: "private")),
            try event("project.member_added", .projectsEvents, subject: secret, version: 2, .init(userId: IndexFixture.bob, projectId: secret)),
        ]
        for n in 0..<30 {
            events.append(try event("document.created", .documentsEvents, subject: doc(n), version: 1, .init(
                projectId: n < 20 ? project : secret, documentId: doc(n), title: "Falcon note \(n)", body: "The falcon \(n) hunts at dawn.",
                tags: n.isMultiple(of: 3) ? ["field"] : ["desk"])))
        }
        for n in 0..<10 {
            events.append(try event("document.updated", .documentsEvents, subject: doc(n), version: 2, .init(
                projectId: project, documentId: doc(n), title: "Falcon note \(n), revised", body: "The falcon \(n) hunts at dusk.", tags: ["field"])))
        }
        events.append(try event("document.deleted", .documentsEvents, subject: doc(11), version: 2, .init(projectId: project, documentId: doc(11))))
        events.append(try event("project.member_removed", .projectsEvents, subject: secret, version: 3, .init(userId: IndexFixture.bob, projectId: secret)))
        events.append(try event("comment.created", .documentsEvents, subject: doc(1), version: nil, .init(projectId: project, documentId: doc(1))))
        return events
    }

    static let queries = ["falcon", "dusk", "dawn -revised", "\"falcon note\"", "falc*", "bob", "hunts OR care"]

    static func snapshot(_ index: any SearchIndex) async throws -> [IndexResult] {
        var results: [IndexResult] = []
        for q in queries {
            for (user, admin) in [(IndexFixture.bob, false), (IndexFixture.alice, true)] {
                var request = SearchRequest(query: try SearchQuery.parse(q))
                request.limit = 50
                results.append(try await index.search(IndexQuery(request: request, viewer: .init(userId: user, orgId: org, seesAllProjects: admin))))
            }
        }
        return results
    }

    @Test func rebuildingFromTheLogEqualsTheLiveIndex() async throws {
        let f = try await IndexFixture()
        let log = LocalEventLog(database: try await f.scratch.open("events", migrations: LocalEventLog.migrations), partitionCount: 3)
        try await log.publish(try Self.events())
        let indexer = SearchIndexer(index: f.index, logger: Logger(label: "test"))

        // Live: the consumer group, in small polls, with every batch delivered twice (at-least-once).
        let consumer = try await log.consumer(group: SearchEvents.group, topics: SearchEvents.topics)
        while true {
            let events = try await consumer.poll(max: 7, timeout: .milliseconds(100))
            if events.isEmpty { break }
            try await indexer.apply(events)
            try await indexer.apply(events)
            try await consumer.commit(events)
        }
        await consumer.close()
        let live = try await Self.snapshot(f.index)
        // Bob left the private project: he sees the open project (its description says "falcon") and its 19 live
        // documents; an admin also the private project's 10 (the project itself is "Secret falcons": no stemming).
        #expect(live[0].total == 20)
        #expect(live[1].total == 30)

        let read = try await indexer.reindex(bus: log, group: "search.reindex.test")
        let published = try Self.events().count
        #expect(read == published)
        let rebuilt = try await Self.snapshot(f.index)
        #expect(rebuilt == live)
        await f.close()
    }
}
