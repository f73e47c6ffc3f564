#if Kafka
import AcmeCore
import AcmeEvents
import AcmeKafka
import AcmeTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Failures with a real broker, through the platform's own outbox relay and consumer service: effects are
/// recorded with `ProcessedEvents` (`EffectStore`), and the tests check that every event is applied exactly
/// once. Waits are polls with deadlines, never fixed sleeps.
@Suite(.enabled(if: KafkaTestBroker.brokers != nil, "ACME_TEST_KAFKA_BROKERS is not set (scripts/test sets it)"))
struct KafkaConsumerFaultTests {
    /// A member stops in the middle of a batch it has partly applied and not committed (its task is
    /// cancelled, so it leaves the group without committing): the next member resumes from the last commit,
    /// gets the uncommitted events again, and applies only the ones not applied yet.
    @Test func aConsumerStoppedMidBatchResumesFromItsCommittedOffsetAndAppliesEachEventOnce() async throws {
        try await withBus { bus in try await EffectStore.with { store in
            let topic = try await newTopic(bus, partitions: 1)
            let count = 100
            try await bus.publish((0..<count).map { OutgoingEvent(topic: topic, key: "k", value: envelope(id: "evt_\($0)", subject: "s\($0)")) })
            let group = "group-\(UUID().uuidString)"

            let handled = Atomic<Int>(0)
            let stuck = AsyncStream<Void>.makeStream()
            let first = Task {
                try await EventConsumerService(bus: bus, group: group, topics: [topic], logger: Logger(label: "first")) { event in
                    if handled.add(1, ordering: .relaxed).newValue == 30 {
                        stuck.continuation.yield()
                        try await Task.sleep(for: .seconds(3600))  // never returns: the member "dies" here
                    }
                    try await store.apply(event, instance: "first")
                }.run()
            }
            var iterator = stuck.stream.makeAsyncIterator()
            _ = await iterator.next()
            first.cancel()
            _ = await first.result

            let applied = try await store.applied()
            #expect(applied.count == 29, "the first member applied \(applied.count) events before it stopped")

            let redelivered = Atomic<Int>(0)
            let second = Task {
                try await EventConsumerService(bus: bus, group: group, topics: [topic], logger: Logger(label: "second")) { event in
                    if try await !store.apply(event, instance: "second") { redelivered.add(1, ordering: .relaxed) }
                }.run()
            }
            let rows = try await store.waitUntil(timeout: .seconds(30)) { $0.count >= count }
            second.cancel()
            _ = await second.result
            #expect(Set(rows.map(\.eventID)) == Set((0..<count).map { "evt_\($0)" }))
            #expect(duplicates(rows.map(\.eventID)).isEmpty, "applied twice: \(duplicates(rows.map(\.eventID)))")
            // The 29 effects of the uncommitted batch came back and were skipped, not applied again.
            #expect(redelivered.load(ordering: .relaxed) > 0, "nothing was redelivered: the batch had been committed")
        } }
    }

    /// Two instances of one consumer in one group: each applies the events of its own partitions only.
    @Test func twoConsumerInstancesInAGroupSplitThePartitions() async throws {
        try await withBus { bus in try await EffectStore.with { store in
            let topic = try await newTopic(bus, partitions: 3)
            let group = "group-\(UUID().uuidString)"
            let members = MemberRecorder(bus: bus)
            let instances = ["a", "b"].map { name in
                Task {
                    try await EventConsumerService(bus: members, group: group, topics: [topic], logger: Logger(label: name)) { event in
                        try await store.apply(event, instance: name)
                    }.run()
                }
            }
            // Publish once the group has settled, so no partition changes hands while events are applied.
            let deadline = ContinuousClock.now + .seconds(30)
            while !members.settled(partitions: 3) {
                try #require(ContinuousClock.now < deadline, "the group did not settle: \(members.assignments)")
                try await Task.sleep(for: .milliseconds(50))
            }
            let count = 300
            try await bus.publish((0..<count).map {
                OutgoingEvent(topic: topic, key: "org-\($0 % 30)", value: envelope(id: "evt_\($0)", subject: "s\($0)", key: "org-\($0 % 30)"))
            })
            let rows = try await store.waitUntil(timeout: .seconds(30)) { $0.count >= count }
            for instance in instances { instance.cancel() }
            for instance in instances { _ = await instance.result }

            #expect(rows.count == count)
            #expect(duplicates(rows.map(\.eventID)).isEmpty)
            let byInstance = Dictionary(grouping: rows, by: \.instance).mapValues { Set($0.map(\.partition)) }
            #expect(byInstance.count == 2, "only \(byInstance.keys.sorted()) applied events")
            #expect((byInstance["a"] ?? []).isDisjoint(with: byInstance["b"] ?? []), "\(byInstance)")
        } }
    }

    /// An event no handler can apply goes to `<topic>.dlq` after `maxAttempts`, with its original bytes, and
    /// the events after it are applied.
    @Test func anUndecodableEventLandsInTheDeadLetterTopicAndTheConsumerMovesOn() async throws {
        try await withBus { bus in try await EffectStore.with { store in
            let topic = try await newTopic(bus, partitions: 1)
            let poison = Array("not an event \u{1}".utf8)
            try await bus.publish([
                OutgoingEvent(topic: topic, key: "k", value: poison),
                OutgoingEvent(topic: topic, key: "k", value: envelope(id: "evt_after", subject: "after")),
            ])
            let group = "group-\(UUID().uuidString)"
            var service = EventConsumerService(bus: bus, group: group, topics: [topic], logger: Logger(label: "dlq")) { event in
                try await store.apply(event, instance: "only")
            }
            service.maxAttempts = 2
            let running = Task { [service] in try await service.run() }
            let rows = try await store.waitUntil(timeout: .seconds(30)) { !$0.isEmpty }
            running.cancel()
            _ = await running.result
            #expect(rows.map(\.eventID) == ["evt_after"])

            let dlq = try await bus.consumer(group: "dlq-\(UUID().uuidString)", topics: [Topic(topic.rawValue + ".dlq")])
            let letters = try await collect(dlq, count: 1)
            await dlq.close()
            let letter = try JSONDecoder().decode(DeadLetter.self, from: Data(letters[0].value))
            #expect(letter.group == group)
            #expect(letter.topic == topic.rawValue)
            #expect(letter.offset == 0)
            #expect(Data(base64Encoded: letter.value) == Data(poison))
        } }
    }
}

/// The S3-backed broker that scripts/test starts for this suite, and the command that kills and restarts it.
enum FaultBroker {
    static let brokers = ProcessInfo.processInfo.environment["ACME_TEST_FAULT_KAFKA_BROKERS"]
    static let control = ProcessInfo.processInfo.environment["ACME_TEST_FAULT_KAFKA_CTL"]

    /// The test timings, except the fetch wait. tansu's S3 storage spends a fetch's `fetch.wait.max.ms` on
    /// reading the partition's watermark and listing its batch objects, and once that time is up it stops the
    /// listing and answers with no records at all, even at offset 0 of a full partition. With the 10 ms of
    /// `KafkaTestBroker` (meant for memory storage) every fetch came back empty whenever S3 took longer than
    /// that. Seen on this broker with confluent-kafka reading a partition from offset 0: no record in 10 s at
    /// 10 ms, the first after 0.2 to 0.4 s at 50, 100 or 500 ms; and the test's group consumer fetched offset 0
    /// over a thousand times in 90 s without getting a record.
    static var configuration: KafkaConfiguration {
        var configuration = KafkaTestBroker.configuration
        configuration.bootstrapServers = brokers ?? ""
        configuration.fetchWaitMax = .milliseconds(500)
        return configuration
    }

    /// Runs `<control> <action>` (start, kill or stop) and returns its exit status.
    static func run(_ action: String) async -> Int32 {
        await Shell.run((control ?? "false") + " " + action)
    }
}

/// The broker is killed (SIGKILL) and restarted while the outbox relay publishes. Its data lives in S3, so
/// what it acknowledged survives; what it had not acknowledged stays in librdkafka's queue or the outbox and
/// is sent again. Duplicates on the topic must not become duplicate effects.
///
/// What this broker can guarantee is narrower than Kafka's, because of a defect of tansu 0.6 on S3 storage:
/// for a batch of an idempotent producer, Produce first advances the producer's sequence number and stores
/// it (`meta.json`), then validates the batch against the topic's schema, then advances the partition's
/// watermark and writes the batch object. A SIGKILL between the first step and the last leaves the sequence
/// advanced without the records. After the restart librdkafka sends the unacknowledged batch again with the
/// same sequence; the broker answers DUPLICATE_SEQUENCE_NUMBER, which librdkafka takes to mean "already
/// written" (its DUPSEQ log: "previous send succeeded but was not acknowledged: marking the messages
/// successfully delivered") and reports as delivered. The records are gone, and the next batch of the
/// partition is written at their offsets. Reproduced without this code with confluent-kafka alone (900 Avro
/// events to this broker, SIGKILL mid-stream): every run lost one in-flight batch of one partition (38 to
/// 181 events) with successful delivery reports, and `meta.json` counted those events in the producer's
/// sequence. So: events whose publish was under way when the broker was killed may be lost; every event
/// acknowledged before the kill, and every event sent after the restart, must be applied exactly once, and
/// the consumer must apply everything the broker holds.
@Suite(.enabled(if: FaultBroker.brokers != nil && FaultBroker.control != nil,
    "set ACME_TEST_FAULT_KAFKA_BROKERS and ACME_TEST_FAULT_KAFKA_CTL (scripts/test does)"))
struct KafkaBrokerRestartTests {
    struct ProjectArchived: DomainEvent {
        static let type = "project.archived"
        static let topic = Topic.projectsEvents
        var projectId: String
    }

    @Test func aBrokerKilledAndRestartedWhileTheRelayPublishesLosesNoAcknowledgedEventAndAppliesNoneTwice() async throws {
        let bus = try KafkaEventBus(configuration: FaultBroker.configuration, logger: Logger(label: "fault"))
        do {
            try await EffectStore.with { store in try await run(bus, store) }
        } catch {
            await bus.close()
            throw error
        }
        await bus.close()
    }

    private func run(_ bus: KafkaEventBus, _ store: EffectStore) async throws {
        // A platform topic, so the events also cross the broker's schema validation as Avro.
        try await bus.createTopics([.projectsEvents], partitions: 3)
        let runID = "prj_" + UUID().uuidString.prefix(8).lowercased()
        let outbox = Outbox(database: store.database)
        let publishes = PublishRecorder(bus: bus)
        let relay = Task { try await OutboxRelay(outbox: outbox, bus: publishes, logger: Logger(label: "relay")).run() }
        let consumer = Task {
            try await EventConsumerService(bus: bus, group: "fault-\(runID)", topics: [.projectsEvents], logger: Logger(label: "consumer")) { event in
                // The topic may hold earlier runs' events; only this run's count.
                guard try EventCodec.header(event.value).subject.hasPrefix(runID) else { return }
                try await store.apply(event, instance: "consumer")
            }.run()
        }
        let count = 600
        let all = Set((0..<count).map { "\(runID)_\($0)" })
        func emit(_ range: Range<Int>) async throws {
            for index in range {
                try await outbox.transaction { _, events in
                    try await events.emit(ProjectArchived(projectId: "\(runID)_\(index)"), subject: "\(runID)_\(index)", subjectVersion: 1,
                                          orgId: "org_\(index % 7)", actor: nil, request: .system, audit: false)
                }
                if index % 20 == 0 { try await Task.sleep(for: .milliseconds(5)) }
            }
        }
        try await emit(0..<200)
        // The events of every publish under way at any moment from just before the kill until the broker is
        // gone: the only ones the broker may lose (see above).
        publishes.startWatching()
        #expect(await FaultBroker.run("kill") == 0)
        let inFlight = publishes.stopWatching()
        // Written while the broker is down: they wait in the outbox or in librdkafka's queue.
        try await emit(200..<400)
        #expect(await FaultBroker.run("start") == 0)
        try await emit(400..<count)

        let guaranteed = all.subtracting(inFlight)
        let rows = try await store.waitUntil(timeout: .seconds(90)) { guaranteed.isSubset(of: Set($0.map(\.subject))) }
        consumer.cancel()
        relay.cancel()
        _ = await consumer.result
        _ = await relay.result
        let applied = Set(rows.map(\.subject))
        #expect(guaranteed.isSubset(of: applied),
                "\(guaranteed.subtracting(applied).count) events lost that were acknowledged before the kill or sent after the restart")
        #expect(duplicates(rows.map(\.eventID)).isEmpty, "applied twice: \(duplicates(rows.map(\.eventID)))")
        #expect(try await outbox.backlog() == 0)

        // What the broker holds of this run, read from the beginning outside the group: up to the last event
        // applied in each partition at least, so an event the consumer skipped would show up here.
        let onBroker = try await eventsOnTheBroker(bus, runID: runID, including: applied)
        #expect(onBroker.subtracting(applied).isEmpty, "on the broker but never applied: \(onBroker.subtracting(applied).sorted())")
        let lost = all.subtracting(onBroker)
        #expect(lost.isSubset(of: inFlight), "lost although not in flight at the kill: \(lost.subtracting(inFlight).sorted())")
        if !lost.isEmpty {
            Logger(label: "fault").warning("the broker lost events in flight at the kill (tansu DUPLICATE_SEQUENCE_NUMBER defect)",
                                           metadata: ["lost": "\(lost.count)", "inFlight": "\(inFlight.count)"])
        }
    }

    /// The subjects of `runID`'s events on the topic, read until every subject in `including` has been seen.
    private func eventsOnTheBroker(_ bus: KafkaEventBus, runID: String, including: Set<String>) async throws -> Set<String> {
        let reader = try await bus.reader(topic: .projectsEvents, fromBeginning: true)
        var seen: Set<String> = []
        let deadline = ContinuousClock.now + .seconds(30)
        do {
            while !including.isSubset(of: seen) {
                try #require(ContinuousClock.now < deadline, "the reader found \(seen.count) of the \(including.count) applied events")
                for event in try await reader.poll(max: 1_000, timeout: .milliseconds(500)) {
                    let subject = try EventCodec.header(event.value).subject
                    if subject.hasPrefix(runID + "_") { seen.insert(subject) }
                }
            }
        } catch {
            await reader.close()
            throw error
        }
        await reader.close()
        return seen
    }
}

/// Passes publishes on to the bus and, between `startWatching` and `stopWatching`, collects the subjects of
/// every publish that is under way at some moment of that window.
final class PublishRecorder: EventBus {
    let bus: KafkaEventBus
    private let state = Mutex<(running: [Int: [String]], next: Int, watched: Set<String>?)>(([:], 0, nil))

    init(bus: KafkaEventBus) { self.bus = bus }

    func publish(_ events: [OutgoingEvent]) async throws {
        let subjects = events.map { (try? EventCodec.header($0.value).subject) ?? "" }
        let id = state.withLock { state in
            state.next += 1
            state.running[state.next] = subjects
            state.watched?.formUnion(subjects)
            return state.next
        }
        defer { state.withLock { _ = $0.running.removeValue(forKey: id) } }
        try await bus.publish(events)
    }

    func consumer(group: String, topics: [Topic]) async throws -> any EventConsumer {
        try await bus.consumer(group: group, topics: topics)
    }

    func startWatching() {
        state.withLock { state in state.watched = Set(state.running.values.joined()) }
    }

    func stopWatching() -> Set<String> {
        state.withLock { state in
            defer { state.watched = nil }
            return state.watched ?? []
        }
    }
}

/// Wraps the bus and remembers each consumer it creates, so tests can watch the group's assignment.
final class MemberRecorder: EventBus {
    let bus: KafkaEventBus
    private let members = Mutex<[KafkaEventConsumer]>([])

    init(bus: KafkaEventBus) { self.bus = bus }

    func publish(_ events: [OutgoingEvent]) async throws { try await bus.publish(events) }

    func consumer(group: String, topics: [Topic]) async throws -> any EventConsumer {
        let member = try await bus.kafkaConsumer(group: group, topics: topics)
        members.withLock { $0.append(member) }
        return member
    }

    var assignments: [Set<TopicPartition>] { members.withLock { $0.map(\.assignment) } }

    /// Every member has partitions, none shares one, and together they hold all `partitions`.
    func settled(partitions: Int) -> Bool {
        let sets = assignments
        guard sets.count >= 2, sets.allSatisfy({ !$0.isEmpty }) else { return false }
        let all = sets.reduce(into: Set<TopicPartition>()) { $0.formUnion($1) }
        return all.count == partitions && sets.map(\.count).reduce(0, +) == partitions
    }
}
#endif
