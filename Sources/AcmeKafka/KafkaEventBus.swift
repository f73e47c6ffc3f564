#if Kafka
import AcmeEvents
import CRdKafka
import Logging
import Synchronization

/// The event bus on Kafka: the same `EventBus` as the embedded `LocalEventLog`, so the outbox relay and
/// the consumer services run on either unchanged.
///
/// One idempotent producer serves every `publish` (`publish` returns after the broker acknowledged the
/// whole batch with acks=all); each `consumer(group:topics:)` is a member of a Kafka consumer group with
/// a librdkafka consumer of its own. Call `close()` when done: it delivers what is queued and frees the
/// producer's poller thread.
///
/// Values are JSON envelopes on both sides of the bus; `wireFormat` decides how they travel (by default
/// Avro container files on the topics with a schema in `schemas/`, see `AvroWireFormat`).
public final class KafkaEventBus: EventBus {
    public let configuration: KafkaConfiguration
    public let wireFormat: any EventWireFormat
    /// Replaced when librdkafka raises a fatal error (see `publish`).
    private let producers: Mutex<KafkaProducer>
    private let logger: Logger

    /// - Parameter wireFormat: nil for `AvroWireFormat.platform()`.
    public init(configuration: KafkaConfiguration, wireFormat: (any EventWireFormat)? = nil, logger: Logger) throws {
        self.configuration = configuration
        self.wireFormat = try wireFormat ?? AvroWireFormat.platform()
        self.logger = logger
        producers = Mutex(try KafkaProducer(configuration: configuration))
    }

    private var producer: KafkaProducer { producers.withLock { $0 } }

    /// Encodes every value first, so an event that does not fit its schema fails the whole batch before any
    /// of it is produced (the outbox relay then keeps the batch and reports the error).
    public func publish(_ events: [OutgoingEvent]) async throws {
        let format = wireFormat
        let encoded = try events.map { event throws(KafkaError) in
            var event = event
            event.value = try format.encode(event.value, topic: event.topic)
            return event
        }
        let producer = self.producer
        do {
            try await producer.publish(encoded)
        } catch {
            await replaceIfBroken(producer, after: error)
            throw error
        }
    }

    /// After a fatal error, or once the broker fenced the producer (tansu does after it rejected a record:
    /// every later send then fails with PRODUCER_FENCED, which librdkafka reports per message, not as
    /// fatal), every send of this producer would fail and the outbox relays would retry forever. So the
    /// failed batch fails, and the caller's retry goes through a new producer.
    private func replaceIfBroken(_ failed: KafkaProducer, after error: any Error) async {
        var fenced: KafkaError?
        if case KafkaError.librdkafka(_, let code, _) = error,
           code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED.rawValue || code == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH.rawValue {
            fenced = error as? KafkaError
        }
        guard let fatal = failed.fatalError ?? fenced else { return }
        let replaced: Bool
        do {
            let fresh = try KafkaProducer(configuration: configuration)
            replaced = producers.withLock { current in
                guard current === failed else { return false }
                current = fresh
                return true
            }
            if !replaced { await fresh.close() }
        } catch {
            logger.error("cannot replace the failed Kafka producer", metadata: ["error": "\(error)"])
            return
        }
        guard replaced else { return }
        logger.error("Kafka producer unusable; replaced it", metadata: ["error": "\(fatal)"])
        await failed.close(timeout: .zero)
    }

    public func consumer(group: String, topics: [Topic]) async throws -> any EventConsumer {
        try await kafkaConsumer(group: group, topics: topics)
    }

    /// The same member as `consumer(group:topics:)`, with Kafka's extras (pause, resume, assignment).
    public func kafkaConsumer(group: String, topics: [Topic]) async throws -> KafkaEventConsumer {
        try await KafkaEventConsumer(configuration: configuration, subscription: .group(group, topics),
                                     wireFormat: wireFormat, logger: logger)
    }

    /// A reader of every partition of `topic` outside any consumer group, from the end of each partition or
    /// from the beginning (`acme-server events tail`). It never commits, so no group is disturbed; `commit`
    /// does nothing.
    public func reader(topic: Topic, fromBeginning: Bool, timeout: Duration = .seconds(10)) async throws -> KafkaEventConsumer {
        try await KafkaEventConsumer(configuration: configuration, subscription: .partitions(topic, fromBeginning: fromBeginning, timeout: timeout),
                                     wireFormat: wireFormat, logger: logger)
    }

    /// Creates topics that do not exist yet (existing ones are left as they are). For tests and operations.
    public func createTopics(_ topics: [Topic], partitions: Int, replicationFactor: Int = 1,
                             timeout: Duration = .seconds(10)) async throws {
        let producer = self.producer
        try await BlockingWorker.once(name: "kafka-create-topics") {
            try Self.createTopics(producer.handle, topics, partitions: partitions, replicationFactor: replicationFactor, timeout: timeout)
        }
    }

    /// Delivers what is still queued (up to `timeout`) and closes the producer.
    public func close(timeout: Duration = .seconds(10)) async {
        await producer.close(timeout: timeout)
    }

    /// The librdkafka version this process runs with (the shared library's, not the headers').
    public static var librdkafkaVersion: String { String(cString: rd_kafka_version_str()) }

    private static func createTopics(_ handle: OpaquePointer, _ topics: [Topic], partitions: Int, replicationFactor: Int,
                                     timeout: Duration) throws {
        var reason = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
        for topic in topics {
            guard let newTopic = rd_kafka_NewTopic_new(topic.rawValue, Int32(partitions), Int32(replicationFactor),
                                                       &reason, reason.count) else {
                throw KafkaError.invalidConfiguration(key: topic.rawValue, reason: RdKafka.string(reason))
            }
            newTopics.append(newTopic)
        }
        let queue = rd_kafka_queue_new(handle)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        let millis = RdKafka.millis(timeout)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, millis, &reason, reason.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, millis, &reason, reason.count)
        rd_kafka_CreateTopics(handle, &newTopics, newTopics.count, options, queue)
        guard let event = rd_kafka_queue_poll(queue, millis + 1_000) else {
            throw RdKafka.error("create topics", RD_KAFKA_RESP_ERR__TIMED_OUT)
        }
        defer { rd_kafka_event_destroy(event) }
        let code = rd_kafka_event_error(event)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.librdkafka(operation: "create topics", code: code.rawValue,
                                        reason: String(cString: rd_kafka_event_error_string(event)))
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count) else { return }
        for index in 0..<count {
            let code = rd_kafka_topic_result_error(results[index])
            guard code != RD_KAFKA_RESP_ERR_NO_ERROR, code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS else { continue }
            let reason = rd_kafka_topic_result_error_string(results[index]).map { String(cString: $0) }
                ?? String(cString: rd_kafka_err2str(code))
            throw KafkaError.librdkafka(operation: "create topic \(String(cString: rd_kafka_topic_result_name(results[index])))",
                                        code: code.rawValue, reason: reason)
        }
    }
}
#endif
