#if Kafka
import AcmeEvents
import CRdKafka
import Logging
import Synchronization

/// A consumer-group member on Kafka.
///
/// Every librdkafka call of the member (`rd_kafka_consumer_poll`, commit, pause, close) runs on its own
/// dedicated thread (a `BlockingWorker`), one at a time, so a long poll never holds a thread of Swift's
/// cooperative pool. Rebalance callbacks are served inside those polls, on that thread: they apply the
/// new assignment (incrementally under the cooperative protocol) and record it, so `commit` only commits
/// partitions this member still owns. Offsets move only on `commit`, never automatically.
public final class KafkaEventConsumer: EventConsumer {
    private let client: ConsumerClient
    private let worker: BlockingWorker
    private let wireFormat: any EventWireFormat
    private let logger: Logger

    /// What a consumer reads: as a member of a group (committed offsets, partitions shared with the other
    /// members), or every partition of one topic outside any group, from its end or its beginning.
    enum Subscription: Sendable {
        case group(String, [Topic])
        case partitions(Topic, fromBeginning: Bool, timeout: Duration)

        var name: String {
            switch self {
            case .group(let group, _): group
            case .partitions(let topic, _, _): "reader-\(topic.rawValue)"
            }
        }
    }

    init(configuration: KafkaConfiguration, subscription: Subscription, wireFormat: any EventWireFormat, logger: Logger) async throws {
        let worker = BlockingWorker(name: "kafka-consumer-\(subscription.name)")
        do {
            client = try await worker.run {
                try ConsumerClient(configuration: configuration, subscription: subscription, logger: logger)
            }
        } catch {
            worker.stop {}
            throw error
        }
        self.worker = worker
        self.wireFormat = wireFormat
        self.logger = logger
    }

    /// Up to `max` events, waiting up to `timeout` for the first; a cancelled task gets what has arrived.
    ///
    /// Values come back as the JSON envelopes they were published as. A value that its topic's wire format
    /// cannot read is handed on as it is, with a warning: the consumer's handler then fails on it and
    /// `EventConsumerService` sends it, original bytes and all, to the dead-letter topic, instead of every
    /// poll failing on the same record and blocking its partition.
    public func poll(max: Int, timeout: Duration) async throws -> [ConsumedEvent] {
        let cancelled = Flag()
        let client = self.client
        var events = try await withTaskCancellationHandler {
            try await worker.run { try client.poll(max: max, timeout: timeout, cancelled: cancelled) }
        } onCancel: {
            cancelled.set()
        }
        for index in events.indices {
            do {
                events[index].value = try wireFormat.decode(events[index].value, topic: events[index].topic)
            } catch {
                logger.warning("undecodable Kafka event handed on as it is", metadata: [
                    "topic": "\(events[index].topic)", "partition": "\(events[index].partition)",
                    "offset": "\(events[index].offset)", "error": "\(error)",
                ])
            }
        }
        return events
    }

    /// Commits, for each partition, the offset after the last of these events (synchronously, so it is
    /// stored when this returns). Partitions this member no longer owns are left to their new owner; a
    /// reader outside any group commits nothing.
    public func commit(_ events: [ConsumedEvent]) async throws {
        guard client.isGroupMember else { return }
        var next: [TopicPartition: Int64] = [:]
        for event in events {
            let slot = TopicPartition(topic: event.topic, partition: event.partition)
            next[slot] = Swift.max(next[slot] ?? 0, event.offset + 1)
        }
        guard !next.isEmpty else { return }
        let client = self.client, offsets = next
        try await worker.run { try client.commit(offsets) }
    }

    /// Stops fetching from these partitions (they stay assigned); `resume` continues where it stopped.
    public func pause(_ partitions: [TopicPartition]) async throws {
        let client = self.client
        try await worker.run { try client.pause(partitions, resume: false) }
    }

    public func resume(_ partitions: [TopicPartition]) async throws {
        let client = self.client
        try await worker.run { try client.pause(partitions, resume: true) }
    }

    /// The partitions currently assigned to this member.
    public var assignment: Set<TopicPartition> { client.rebalance.assignment }

    /// Leaves the group (its partitions move to the other members at once) and frees the client.
    public func close() async {
        let client = self.client
        _ = try? await worker.run { client.close() }
        worker.stop {}
    }

    deinit {
        let client = self.client
        worker.stop { client.close() }
    }
}

/// The librdkafka consumer; used only on its member's worker thread.
final class ConsumerClient: @unchecked Sendable {
    let rebalance = RebalanceState()
    /// False for a reader outside any group, which never commits.
    let isGroupMember: Bool
    private let group: String
    private let logger: Logger
    private var handle: OpaquePointer?
    private var topicNames: [OpaquePointer: Topic] = [:]

    init(configuration: KafkaConfiguration, subscription: KafkaEventConsumer.Subscription, logger: Logger) throws {
        self.logger = logger
        switch subscription {
        case .group(let group, _):
            isGroupMember = true
            self.group = group
        case .partitions:
            // librdkafka needs a group id even to assign partitions by hand; this one never joins a group
            // (nothing subscribes) and never commits.
            isGroupMember = false
            self.group = "acme-reader-\(UInt64.random(in: 0...UInt64.max))"
        }
        let conf = try RdKafka.configuration(configuration.consumerProperties(group: group))
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(rebalance).toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf) { handle, code, partitions, opaque in
            guard let handle, let opaque else { return }
            Unmanaged<RebalanceState>.fromOpaque(opaque).takeUnretainedValue().apply(code, partitions, handle)
        }
        let handle = try RdKafka.client(RD_KAFKA_CONSUMER, conf)
        self.handle = handle
        // Rebalances, errors and messages all come from the consumer queue, served by rd_kafka_consumer_poll.
        rd_kafka_poll_set_consumer(handle)
        do {
            switch subscription {
            case .group(_, let topics):
                let list = RdKafka.partitionList(topics.map { (TopicPartition(topic: $0, partition: Int(RD_KAFKA_PARTITION_UA)), offset: 0) })
                defer { rd_kafka_topic_partition_list_destroy(list) }
                try RdKafka.check("subscribe", rd_kafka_subscribe(handle, list))
            case .partitions(let topic, let fromBeginning, let timeout):
                let count = try RdKafka.partitionCount(handle, topic, timeout: timeout)
                // A reader from the end starts at each partition's high watermark as the broker reports it now,
                // not at OFFSET_END, which librdkafka resolves only at the first fetch: an event published after
                // this initializer returns is then always read.
                let starts = try (0..<count).map { partition -> Int64 in
                    if fromBeginning { return Int64(RD_KAFKA_OFFSET_BEGINNING) }
                    var low: Int64 = 0, high: Int64 = 0
                    try RdKafka.check("query watermark offsets",
                                      rd_kafka_query_watermark_offsets(handle, topic.rawValue, Int32(partition), &low, &high,
                                                                       RdKafka.millis(timeout)))
                    return high
                }
                let list = RdKafka.partitionList((0..<count).map { (TopicPartition(topic: topic, partition: $0), offset: starts[$0]) })
                defer { rd_kafka_topic_partition_list_destroy(list) }
                try RdKafka.check("assign", rd_kafka_assign(handle, list))
            }
        } catch {
            close()
            throw error
        }
    }

    func poll(max: Int, timeout: Duration, cancelled: Flag) throws -> [ConsumedEvent] {
        guard let handle else { throw KafkaError.closed }
        var events: [ConsumedEvent] = []
        events.reserveCapacity(Swift.min(max, 1_000))
        let deadline = ContinuousClock.now + timeout
        // Wait for the first message in slices, so cancellation is seen within 50 ms; then take what is ready.
        while events.count < max {
            let wait = events.isEmpty ? Swift.min(RdKafka.millis(ContinuousClock.now.duration(to: deadline)), 50) : 0
            guard let message = rd_kafka_consumer_poll(handle, wait) else {
                if !events.isEmpty || wait == 0 || cancelled.isSet { break }
                continue
            }
            defer { rd_kafka_message_destroy(message) }
            let m = message.pointee
            guard m.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                try report(m.err, message)
                continue
            }
            events.append(ConsumedEvent(
                topic: topic(m.rkt), partition: Int(m.partition), offset: m.offset,
                key: m.key.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: m.key_len), as: UTF8.self) } ?? "",
                value: m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) } ?? []))
        }
        return events
    }

    /// A consumer error: fatal ones are thrown; the others (a broker down, a topic missing) are logged,
    /// as librdkafka keeps retrying them.
    private func report(_ code: rd_kafka_resp_err_t, _ message: UnsafeMutablePointer<rd_kafka_message_t>) throws {
        if code == RD_KAFKA_RESP_ERR__PARTITION_EOF { return }
        var reason = [CChar](repeating: 0, count: 512)
        if let handle, rd_kafka_fatal_error(handle, &reason, reason.count) != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw RdKafka.error("consume", code)
        }
        let detail = message.pointee.payload.map {
            String(decoding: UnsafeRawBufferPointer(start: $0, count: message.pointee.len), as: UTF8.self)
        } ?? String(cString: rd_kafka_err2str(code))
        logger.warning("kafka consumer error", metadata: ["code": "\(code.rawValue)", "error": "\(detail)"])
    }

    private func topic(_ rkt: OpaquePointer?) -> Topic {
        guard let rkt else { return Topic("") }
        if let topic = topicNames[rkt] { return topic }
        let topic = Topic(String(cString: rd_kafka_topic_name(rkt)))
        topicNames[rkt] = topic
        return topic
    }

    func commit(_ offsets: [TopicPartition: Int64]) throws {
        guard let handle else { throw KafkaError.closed }
        let owned = rebalance.assignment
        let entries = offsets.filter { owned.contains($0.key) }.map { (key: $0.key, offset: $0.value) }
        if entries.count < offsets.count {
            logger.debug("offsets of revoked partitions not committed", metadata: ["count": "\(offsets.count - entries.count)"])
        }
        guard !entries.isEmpty else { return }
        let list = RdKafka.partitionList(entries.map { ($0.key, offset: $0.offset) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try RdKafka.check("commit", rd_kafka_commit(handle, list, 0))
        for index in 0..<Int(list.pointee.cnt) where list.pointee.elems[index].err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw RdKafka.error("commit", list.pointee.elems[index].err)
        }
    }

    func pause(_ partitions: [TopicPartition], resume: Bool) throws {
        guard let handle else { throw KafkaError.closed }
        let list = RdKafka.partitionList(partitions.map { ($0, offset: 0) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try RdKafka.check(resume ? "resume" : "pause",
                          resume ? rd_kafka_resume_partitions(handle, list) : rd_kafka_pause_partitions(handle, list))
    }

    func close() {
        guard let handle else { return }
        self.handle = nil
        let code = rd_kafka_consumer_close(handle)
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("kafka consumer close failed", metadata: ["error": "\(String(cString: rd_kafka_err2str(code)))"])
        }
        rd_kafka_destroy(handle)
    }
}

/// The rebalance callback's state: applies assignments and remembers them (read by `commit` and tests).
final class RebalanceState: Sendable {
    private let assigned = Mutex<Set<TopicPartition>>([])

    var assignment: Set<TopicPartition> { assigned.withLock { $0 } }

    /// Runs inside rd_kafka_consumer_poll on the member's worker thread.
    func apply(_ code: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
               _ handle: OpaquePointer) {
        let cooperative = rd_kafka_rebalance_protocol(handle).map { String(cString: $0) } == "COOPERATIVE"
        let changed = Set(RdKafka.partitions(of: partitions))
        switch code {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if cooperative {
                try? RdKafka.check("incremental assign", rd_kafka_incremental_assign(handle, partitions))
                assigned.withLock { $0.formUnion(changed) }
            } else {
                rd_kafka_assign(handle, partitions)
                assigned.withLock { $0 = changed }
            }
        default:
            // Revoked (or a rebalance error): stop reading these partitions; uncommitted events go to the new owner.
            if cooperative {
                try? RdKafka.check("incremental unassign", rd_kafka_incremental_unassign(handle, partitions))
                assigned.withLock { $0.subtract(changed) }
            } else {
                rd_kafka_assign(handle, nil)
                assigned.withLock { $0 = [] }
            }
        }
    }
}

/// A one-way switch shared with the worker thread (task cancellation).
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
#endif
