#if Kafka
import AcmeEvents
import CRdKafka
import Logging

/// The event bus on Kafka: the same `EventBus` as the embedded `LocalEventLog`, so the outbox relay and
/// the consumer services run on either unchanged.
///
/// One idempotent producer serves every `publish` (`publish` returns after the broker acknowledged the
/// whole batch with acks=all); each `consumer(group:topics:)` is a member of a Kafka consumer group with
/// a librdkafka consumer of its own. Call `close()` when done: it delivers what is queued and frees the
/// producer's poller thread.
public final class KafkaEventBus: EventBus {
    public let configuration: KafkaConfiguration
    private let producer: KafkaProducer
    private let logger: Logger

    public init(configuration: KafkaConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        producer = try KafkaProducer(configuration: configuration)
    }

    public func publish(_ events: [OutgoingEvent]) async throws {
        try await producer.publish(events)
    }

    public func consumer(group: String, topics: [Topic]) async throws -> any EventConsumer {
        try await kafkaConsumer(group: group, topics: topics)
    }

    /// The same member as `consumer(group:topics:)`, with Kafka's extras (pause, resume, assignment).
    public func kafkaConsumer(group: String, topics: [Topic]) async throws -> KafkaEventConsumer {
        try await KafkaEventConsumer(configuration: configuration, group: group, topics: topics, logger: logger)
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
