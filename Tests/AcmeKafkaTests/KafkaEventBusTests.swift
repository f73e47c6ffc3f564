#if Kafka
import AcmeEvents
import AcmeKafka
import Foundation
import Logging
import Testing

/// Against a real broker (scripts/test starts tansu and sets ACME_TEST_KAFKA_BROKERS). When the variable is
/// set the broker must answer: an unreachable broker fails the tests (topic creation times out).
@Suite(.enabled(if: KafkaTestBroker.brokers != nil, "ACME_TEST_KAFKA_BROKERS is not set (scripts/test sets it)"), .serialized)
struct KafkaEventBusTests {
    /// Debian's librdkafka 2.0.2 cannot talk to tansu; scripts/kafka.sh puts 2.16 on LD_LIBRARY_PATH.
    @Test func runsOnALibrdkafkaNewerThanDebians() {
        let version = KafkaEventBus.librdkafkaVersion.split(separator: ".").compactMap { Int($0) }
        #expect(version.lexicographicallyPrecedes([2, 2]) == false,
                "librdkafka \(KafkaEventBus.librdkafkaVersion) at run time: set LD_LIBRARY_PATH as scripts/kafka.sh does")
    }

    @Test func committedEventsAreNotRedeliveredAndKeyOrderIsKept() async throws {
        try await withBus { bus in
            let topic = try await newTopic(bus, partitions: 3)
            try await bus.publish((0..<1_000).map { event(topic, key: "org-\($0 % 10)", "\($0)") })

            let group = "group-\(UUID().uuidString)"
            let first = try await bus.consumer(group: group, topics: [topic])
            let received = try await collect(first, count: 1_000)
            #expect(Set(texts(received)) == Set((0..<1_000).map(String.init)))
            #expect(received.count == 1_000)
            for (key, events) in Dictionary(grouping: received, by: \.key) {
                let numbers = texts(events).compactMap(Int.init)
                #expect(numbers == numbers.sorted(), "events of \(key) out of order")
            }
            try await first.commit(received)
            await first.close()

            // A new member of the group resumes after the commit: the only event it sees is the new one.
            let second = try await bus.consumer(group: group, topics: [topic])
            try await bus.publish([event(topic, key: "org-1", "after restart")])
            var after = try await collect(second, count: 1)
            after += try await second.poll(max: 100, timeout: .milliseconds(500))
            #expect(texts(after) == ["after restart"])
            await second.close()
        }
    }

    @Test func uncommittedEventsAreRedelivered() async throws {
        try await withBus { bus in
            let topic = try await newTopic(bus, partitions: 3)
            try await bus.publish((0..<30).map { event(topic, key: "key-\($0 % 6)", "\($0)") })

            let group = "group-\(UUID().uuidString)"
            let first = try await bus.consumer(group: group, topics: [topic])
            let received = try await collect(first, count: 30)
            // Commit the first half of each partition only.
            var committed: [ConsumedEvent] = []
            var uncommitted: [ConsumedEvent] = []
            for (_, events) in Dictionary(grouping: received, by: \.partition) {
                let sorted = events.sorted { $0.offset < $1.offset }
                committed += sorted.prefix(sorted.count / 2)
                uncommitted += sorted.dropFirst(sorted.count / 2)
            }
            try await first.commit(committed)
            await first.close()

            let second = try await bus.consumer(group: group, topics: [topic])
            var again = try await collect(second, count: uncommitted.count)
            again += try await second.poll(max: 100, timeout: .milliseconds(500))
            #expect(Set(again.map(position)) == Set(uncommitted.map(position)))
            #expect(again.count == uncommitted.count)
            await second.close()
        }
    }

    @Test func twoMembersOfAGroupSplitThePartitions() async throws {
        try await withBus { bus in
            let topic = try await newTopic(bus, partitions: 3)
            let group = "group-\(UUID().uuidString)"
            let a = try await bus.kafkaConsumer(group: group, topics: [topic])
            let b = try await bus.kafkaConsumer(group: group, topics: [topic])

            // Both members poll (rebalances happen inside polls) until the group has settled.
            let deadline = ContinuousClock.now + .seconds(30)
            while !(a.assignment.isDisjoint(with: b.assignment) && !a.assignment.isEmpty && !b.assignment.isEmpty
                    && a.assignment.count + b.assignment.count == 3) {
                try #require(ContinuousClock.now < deadline, "the group did not settle: \(a.assignment) \(b.assignment)")
                async let x = a.poll(max: 10, timeout: .milliseconds(200))
                async let y = b.poll(max: 10, timeout: .milliseconds(200))
                _ = try await (x, y)
            }

            try await bus.publish((0..<300).map { event(topic, key: "org-\($0 % 30)", "\($0)") })
            var fromA: [ConsumedEvent] = []
            var fromB: [ConsumedEvent] = []
            while fromA.count + fromB.count < 300 {
                try #require(ContinuousClock.now < deadline + .seconds(30), "received only \(fromA.count + fromB.count) of 300")
                async let x = a.poll(max: 100, timeout: .milliseconds(200))
                async let y = b.poll(max: 100, timeout: .milliseconds(200))
                let (newA, newB) = try await (x, y)
                try await a.commit(newA)
                try await b.commit(newB)
                fromA += newA
                fromB += newB
            }
            #expect(fromA.count + fromB.count == 300)
            #expect(Set(texts(fromA + fromB)).count == 300)
            #expect(!fromA.isEmpty && !fromB.isEmpty)
            #expect(Set(fromA.map(\.partition)).isDisjoint(with: Set(fromB.map(\.partition))))
            #expect(Set(fromA.map(\.partition)).isSubset(of: Set(a.assignment.map(\.partition))))
            #expect(Set(fromB.map(\.partition)).isSubset(of: Set(b.assignment.map(\.partition))))
            for (key, events) in Dictionary(grouping: fromA + fromB, by: \.key) {
                let numbers = texts(events).compactMap(Int.init)
                #expect(numbers == numbers.sorted(), "events of \(key) out of order")
            }
            await a.close()
            await b.close()
        }
    }

    @Test func pausedPartitionsAreNotFetchedUntilResumed() async throws {
        try await withBus { bus in
            let topic = try await newTopic(bus, partitions: 1)
            let consumer = try await bus.kafkaConsumer(group: "group-\(UUID().uuidString)", topics: [topic])
            try await bus.publish([event(topic, key: "a", "1")])
            _ = try await collect(consumer, count: 1)
            let partition = TopicPartition(topic: topic, partition: 0)
            try await consumer.pause([partition])
            try await bus.publish([event(topic, key: "a", "2")])
            #expect(try await consumer.poll(max: 10, timeout: .milliseconds(500)).isEmpty)
            try await consumer.resume([partition])
            #expect(texts(try await collect(consumer, count: 1)) == ["2"])
            await consumer.close()
        }
    }
}

enum KafkaTestBroker {
    static let brokers = ProcessInfo.processInfo.environment["ACME_TEST_KAFKA_BROKERS"]

    /// Short group timings so members join and leave quickly (see shared/infra/KAFKA.md).
    static var configuration: KafkaConfiguration {
        var configuration = KafkaConfiguration(bootstrapServers: brokers ?? "", clientID: "acme-test")
        configuration.sessionTimeout = .seconds(2)
        configuration.heartbeatInterval = .milliseconds(300)
        configuration.fetchWaitMax = .milliseconds(10)
        configuration.linger = .milliseconds(1)
        return configuration
    }
}

func withBus(wireFormat: (any EventWireFormat)? = nil, _ body: (KafkaEventBus) async throws -> Void) async throws {
    let bus = try KafkaEventBus(configuration: KafkaTestBroker.configuration, wireFormat: wireFormat, logger: Logger(label: "kafka-test"))
    do {
        try await body(bus)
    } catch {
        await bus.close()
        throw error
    }
    await bus.close()
}

func newTopic(_ bus: KafkaEventBus, partitions: Int) async throws -> Topic {
    let topic = Topic("acme.test.\(UUID().uuidString.lowercased())")
    try await bus.createTopics([topic], partitions: partitions)
    return topic
}

/// Polls until `count` events (that `matching` accepts) arrived; fails after `timeout`.
func collect(_ consumer: any EventConsumer, count: Int, timeout: Duration = .seconds(30),
             matching: (ConsumedEvent) -> Bool = { _ in true }) async throws -> [ConsumedEvent] {
    let deadline = ContinuousClock.now + timeout
    var events: [ConsumedEvent] = []
    while events.count < count {
        try #require(ContinuousClock.now < deadline, "received only \(events.count) of \(count) events")
        events += try await consumer.poll(max: count - events.count, timeout: .milliseconds(500)).filter(matching)
    }
    return events
}

func event(_ topic: Topic, key: String, _ text: String) -> OutgoingEvent {
    OutgoingEvent(topic: topic, key: key, value: Array(text.utf8))
}

func texts(_ events: [ConsumedEvent]) -> [String] { events.map { String(decoding: $0.value, as: UTF8.self) } }

func position(_ event: ConsumedEvent) -> String { "\(event.partition)@\(event.offset)" }
#endif
