import AcmeTestSupport
import AcmeCore
import AcmeDatabase
@testable import AcmeEvents
import Foundation
import Logging
import SQLKit
import Synchronization
import Testing

func event(_ topic: Topic = .usersEvents, key: String, _ text: String) -> OutgoingEvent {
    OutgoingEvent(topic: topic, key: key, value: Array(text.utf8))
}

func texts(_ events: [ConsumedEvent]) -> [String] { events.map { String(decoding: $0.value, as: UTF8.self) } }

@Suite struct LocalEventLogTests {
    @Test func keepsOrderPerKeyAndAssignsOffsetsPerPartition() async throws {
        let scratch = Scratch()
        let log = LocalEventLog(database: try await scratch.open("events", migrations: LocalEventLog.migrations), partitionCount: 3)
        try await log.publish((0..<30).map { event(key: "org_\($0 % 5)", "\($0)") })
        let consumer = try await log.consumer(group: "g", topics: [.usersEvents])
        let events = try await consumer.poll(max: 100, timeout: .milliseconds(10))
        #expect(events.count == 30)
        for key in (0..<5).map({ "org_\($0)" }) {
            let values = texts(events.filter { $0.key == key }).compactMap(Int.init)
            #expect(values == values.sorted(), "order of \(key)")
            #expect(Set(events.filter { $0.key == key }.map(\.partition)).count == 1, "\(key) stays in one partition")
        }
        for partition in 0..<3 {
            let offsets = events.filter { $0.partition == partition }.map(\.offset)
            #expect(offsets == Array(0..<Int64(offsets.count)))
        }
        #expect(log.partition(for: "org_1") == log.partition(for: "org_1"))
        await scratch.close()
    }

    @Test func groupsResumeFromCommittedOffsetsAfterRestart() async throws {
        let scratch = Scratch()
        do {
            let log = LocalEventLog(database: try await scratch.open("events", migrations: LocalEventLog.migrations))
            try await log.publish((0..<10).map { event(key: "k", "\($0)") })
            let consumer = try await log.consumer(group: "g", topics: [.usersEvents])
            let first = try await consumer.poll(max: 4, timeout: .milliseconds(10))
            #expect(texts(first) == ["0", "1", "2", "3"])
            try await consumer.commit(first)
            // Read but never committed: must come back after the restart.
            #expect(texts(try await consumer.poll(max: 2, timeout: .milliseconds(10))) == ["4", "5"])
            await scratch.close(keepData: true)
        }
        let log = LocalEventLog(database: try await scratch.open("events", migrations: LocalEventLog.migrations))
        let resumed = try await log.consumer(group: "g", topics: [.usersEvents])
        #expect(texts(try await resumed.poll(max: 100, timeout: .milliseconds(10))) == (4..<10).map(String.init))
        // Another group replays from the beginning.
        let other = try await log.consumer(group: "replay", topics: [.usersEvents])
        #expect(try await other.poll(max: 100, timeout: .milliseconds(10)).count == 10)
        await scratch.close()
    }

    @Test func aLogThatLoadedItsEndsContinuesOffsetsAndSkipsOnlyWhatIsRead() async throws {
        let scratch = Scratch()
        do {
            let log = LocalEventLog(database: try await scratch.open("events", migrations: LocalEventLog.migrations), partitionCount: 1)
            try await log.publish((0..<3).map { event(key: "k", "\($0)") })
            await scratch.close(keepData: true)
        }
        let log = LocalEventLog(database: try await scratch.open("events", migrations: LocalEventLog.migrations), partitionCount: 1)
        try await log.loadEnds()
        #expect(log.mayHaveEvents(topic: .usersEvents, partition: 0, from: 2))
        #expect(!log.mayHaveEvents(topic: .usersEvents, partition: 0, from: 3))
        // A topic never written to is known to be empty once the ends are loaded.
        #expect(!log.mayHaveEvents(topic: .projectsEvents, partition: 0, from: 0))
        try await log.publish([event(key: "k", "3"), event(.projectsEvents, key: "k", "p0")])
        let consumer = try await log.consumer(group: "g", topics: [.usersEvents, .projectsEvents])
        let events = try await consumer.poll(max: 100, timeout: .milliseconds(10))
        #expect(texts(events.filter { $0.topic == .usersEvents }) == ["0", "1", "2", "3"])
        #expect(events.first { $0.topic == .usersEvents && texts([$0]) == ["3"] }?.offset == 3)
        #expect(texts(events.filter { $0.topic == .projectsEvents }) == ["p0"])
        #expect(try await consumer.poll(max: 100, timeout: .milliseconds(10)).isEmpty)
        await scratch.close()
    }

    @Test func pollWakesUpWhenAnEventIsPublished() async throws {
        let scratch = Scratch()
        let log = LocalEventLog(database: try await scratch.open("events", migrations: LocalEventLog.migrations))
        let consumer = try await log.consumer(group: "g", topics: [.auditLog])
        async let polled = consumer.poll(max: 10, timeout: .seconds(30))
        try await Task.sleep(for: .milliseconds(50))
        let started = ContinuousClock.now
        try await log.publish([event(.auditLog, key: "k", "hello")])
        #expect(texts(try await polled) == ["hello"])
        #expect(ContinuousClock.now - started < .seconds(10))
        await scratch.close()
    }

    @Test func consumersOnlySeeTheirTopics() async throws {
        let scratch = Scratch()
        let log = LocalEventLog(database: try await scratch.open("events", migrations: LocalEventLog.migrations))
        try await log.publish([event(.usersEvents, key: "a", "user"), event(.auditLog, key: "a", "audit")])
        let audit = try await log.consumer(group: "audit", topics: [.auditLog])
        #expect(texts(try await audit.poll(max: 10, timeout: .milliseconds(10))) == ["audit"])
        await scratch.close()
    }
}

@Suite struct OutboxTests {
    struct Thing: DomainEvent, Equatable {
        static let type = "thing.happened"
        static let topic = Topic.usersEvents
        var name: String
    }

    @Test func committedEventsAreRelayedWithAnAuditEntryAndRolledBackOnesAreNot() async throws {
        let scratch = Scratch()
        let log = LocalEventLog(database: try await scratch.open("events", migrations: LocalEventLog.migrations))
        let outbox = Outbox(database: try await scratch.open("svc", migrations: [Outbox.migration]))
        try await outbox.transaction { _, events in
            try await events.emit(Thing(name: "kept"), subject: "thing_1", subjectVersion: 1, orgId: "org_1", actor: "usr_1", request: .system)
        }
        await #expect(throws: AcmeError.self) {
            try await outbox.transaction { _, events in
                try await events.emit(Thing(name: "dropped"), subject: "thing_2", subjectVersion: 1, orgId: "org_1", actor: "usr_1", request: .system)
                throw AcmeError.conflict("abort")
            }
        }
        #expect(try await outbox.backlog() == 2)
        let relay = OutboxRelay(outbox: outbox, bus: log, logger: scratch.logger)
        #expect(try await relay.relayBatch() == 2)
        #expect(try await outbox.backlog() == 0)

        let consumer = try await log.consumer(group: "g", topics: [.usersEvents, .auditLog])
        let events = try await consumer.poll(max: 10, timeout: .milliseconds(10))
        #expect(events.count == 2)
        let domain = try EventCodec.decode(Thing.self, from: try #require(events.first { $0.topic == .usersEvents }).value)
        #expect(domain.payload == Thing(name: "kept"))
        #expect(domain.type == "thing.happened" && domain.orgId == "org_1" && domain.actor == "usr_1" && domain.subject == "thing_1")
        #expect(AcmeID.isValid(domain.id, prefix: "evt"))
        let audit = try EventCodec.decode(AuditEntry<Thing>.self, from: try #require(events.first { $0.topic == .auditLog }).value)
        #expect(audit.payload.action == "thing.happened")
        #expect(audit.payload.details == Thing(name: "kept"))
        #expect(events.allSatisfy { $0.key == "org_1" })
        await scratch.close()
    }

    /// Instances of a service share its PostgreSQL outbox: relays running side by side publish every event
    /// exactly once and keep each key's order.
    @Test(.enabled(if: Scratch.postgresURL != nil, "a shared outbox exists on PostgreSQL only"))
    func relaysOfSeveralInstancesPublishEachEventOnceInOrder() async throws {
        let scratch = Scratch()
        let log = LocalEventLog(database: try await scratch.open("events", migrations: LocalEventLog.migrations), partitionCount: 1)
        let outbox = Outbox(database: try await scratch.open("svc", migrations: [Outbox.migration]))
        var relays = (0..<3).map { _ in OutboxRelay(outbox: outbox, bus: log, logger: scratch.logger) }
        for index in relays.indices { relays[index].batchSize = 7 }
        let written = Flag()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { written.set() }
                for index in 0..<200 {
                    try await outbox.transaction { _, events in
                        try await events.emit(Thing(name: "\(index)"), subject: "thing_\(index % 4)", subjectVersion: Int64(index / 4),
                            orgId: "org_\(index % 4)", actor: nil, request: .system)
                    }
                }
            }
            for relay in relays {
                group.addTask {
                    while true {
                        let finished = written.isSet
                        if try await relay.relayBatch() == 0, finished, try await outbox.backlog() == 0 { return }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await outbox.backlog() == 0)
        let consumer = try await log.consumer(group: "g", topics: [.usersEvents])
        var names: [String] = []
        while true {
            let batch = try await consumer.poll(max: 500, timeout: .milliseconds(10))
            if batch.isEmpty { break }
            names += try batch.map { try EventCodec.decode(Thing.self, from: $0.value).payload.name }
        }
        #expect(names.count == 200, "each event once")
        #expect(Set(names).count == 200)
        #expect(names.compactMap(Int.init) == Array(0..<200), "one partition: the order of the writes")
        await scratch.close()
    }

    @Test func envelopesSurviveAwkwardText() async throws {
        let scratch = Scratch()
        let outbox = Outbox(database: try await scratch.open("svc", migrations: [Outbox.migration]))
        let request = RequestInfo(requestId: "r\"1", ipAddress: "::1", userAgent: "Agent \\ \n\t\u{1} ✓ \"quoted\"")
        try await outbox.transaction { _, events in
            try await events.emit(Thing(name: "ünïcode \"and\" \u{0}nul"), subject: "s\"x", subjectVersion: nil, orgId: nil, actor: nil, request: request)
        }
        let rows = try await outbox.pending(limit: 10)
        #expect(rows.count == 2)
        let event = try EventCodec.decode(Thing.self, from: rows[0].event.value)
        #expect(event.payload.name == "ünïcode \"and\" \u{0}nul")
        #expect(event.subject == "s\"x" && event.subjectVersion == nil && event.orgId == nil && event.actor == nil)
        let audit = try EventCodec.decode(AuditEntry<Thing>.self, from: rows[1].event.value)
        #expect(audit.payload.userAgent == request.userAgent && audit.payload.requestId == request.requestId)
        await scratch.close()
    }

    @Test func processedEventsClaimOnce() async throws {
        let scratch = Scratch()
        let database = try await scratch.open("svc", migrations: [ProcessedEvents.migration])
        let first = try await database.transaction { db in try await ProcessedEvents.claim("evt_1", consumer: "c", on: db) }
        let second = try await database.transaction { db in try await ProcessedEvents.claim("evt_1", consumer: "c", on: db) }
        let otherConsumer = try await database.transaction { db in try await ProcessedEvents.claim("evt_1", consumer: "d", on: db) }
        #expect(first && !second && otherConsumer)
        await scratch.close()
    }
}

@Suite struct EventConsumerServiceTests {
    actor Seen {
        var values: [String] = []
        func add(_ value: String) { values.append(value) }
    }

    @Test func poisonEventsGoToTheDeadLetterTopicAndTheRestIsApplied() async throws {
        let scratch = Scratch()
        let log = LocalEventLog(database: try await scratch.open("events", migrations: LocalEventLog.migrations), partitionCount: 1)
        try await log.publish(["a", "poison", "b"].map { event(key: "k", $0) })
        let seen = Seen()
        var service = EventConsumerService(bus: log, group: "g", topics: [.usersEvents], logger: scratch.logger) { event in
            let text = String(decoding: event.value, as: UTF8.self)
            if text == "poison" { throw AcmeError.badRequest("cannot apply") }
            await seen.add(text)
        }
        service.maxAttempts = 2
        let task = Task { try await service.run() }
        let dlq = try await log.consumer(group: "inspect", topics: [Topic("acme.users.events.dlq")])
        let dead = try await dlq.poll(max: 1, timeout: .seconds(10))
        task.cancel()
        _ = try? await task.value
        #expect(dead.count == 1)
        let letter = try JSONDecoder().decode(DeadLetter.self, from: Data(try #require(dead.first).value))
        #expect(letter.group == "g" && letter.offset == 1 && Data(base64Encoded: letter.value) == Data("poison".utf8))
        #expect(await seen.values == ["a", "b"])
        await scratch.close()
    }

    actor Batches {
        var sizes: [Int] = []
        func add(_ size: Int) { sizes.append(size) }
    }

    /// Events published while a batch lingers join it: one batch, not one per publish.
    @Test func eventsArrivingWhileABatchLingersJoinIt() async throws {
        let scratch = Scratch()
        let log = LocalEventLog(database: try await scratch.open("events", migrations: LocalEventLog.migrations), partitionCount: 1)
        let batches = Batches()
        var service = EventConsumerService(bus: log, group: "g", topics: [.usersEvents], logger: scratch.logger) { events in
            await batches.add(events.count)
        }
        service.linger = .seconds(2)
        let task = Task { try await service.run() }
        try await log.publish([event(key: "k", "first")])
        try await Task.sleep(for: .milliseconds(300))
        try await log.publish([event(key: "k", "second"), event(key: "k", "third")])
        let deadline = ContinuousClock.now + .seconds(10)
        while await batches.sizes.reduce(0, +) < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        task.cancel()
        _ = try? await task.value
        let sizes = await batches.sizes
        #expect(sizes == [3], "batch sizes \(sizes)")
        await scratch.close()
    }
}
