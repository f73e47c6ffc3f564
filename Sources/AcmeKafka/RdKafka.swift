#if Kafka
import AcmeEvents
import CRdKafka

/// Small helpers over librdkafka's C API shared by the producer, the consumer and the admin calls.
enum RdKafka {
    /// A new `rd_kafka_conf_t` with these properties (the caller owns it until `rd_kafka_new` takes it).
    static func configuration(_ properties: [(key: String, value: String)]) throws -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else { throw KafkaError.clientCreation(reason: "rd_kafka_conf_new failed") }
        var reason = [CChar](repeating: 0, count: 512)
        for (key, value) in properties where rd_kafka_conf_set(conf, key, value, &reason, reason.count) != RD_KAFKA_CONF_OK {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.invalidConfiguration(key: key, reason: string(reason))
        }
        return conf
    }

    /// A client of `type` from `conf` (which it takes over, also on failure).
    static func client(_ type: rd_kafka_type_t, _ conf: OpaquePointer) throws -> OpaquePointer {
        var reason = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &reason, reason.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.clientCreation(reason: string(reason))
        }
        return handle
    }

    static func error(_ operation: String, _ code: rd_kafka_resp_err_t) -> KafkaError {
        .librdkafka(operation: operation, code: code.rawValue, reason: String(cString: rd_kafka_err2str(code)))
    }

    static func check(_ operation: String, _ code: rd_kafka_resp_err_t) throws {
        if code != RD_KAFKA_RESP_ERR_NO_ERROR { throw error(operation, code) }
    }

    /// Converts and destroys an `rd_kafka_error_t` (NULL means success).
    static func check(_ operation: String, _ error: OpaquePointer?) throws {
        guard let error else { return }
        defer { rd_kafka_error_destroy(error) }
        throw KafkaError.librdkafka(operation: operation, code: rd_kafka_error_code(error).rawValue,
                                    reason: String(cString: rd_kafka_error_string(error)))
    }

    static func millis(_ duration: Duration) -> Int32 {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, ms))
    }

    /// A topic-partition list to pass to librdkafka; destroy it with `rd_kafka_topic_partition_list_destroy`.
    static func partitionList(_ entries: [(TopicPartition, offset: Int64)]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(entries.count))!
        for (slot, offset) in entries {
            rd_kafka_topic_partition_list_add(list, slot.topic.rawValue, Int32(slot.partition)).pointee.offset = offset
        }
        return list
    }

    static func partitions(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartition] {
        guard let list, let elements = list.pointee.elems else { return [] }
        return (0..<Int(list.pointee.cnt)).map {
            TopicPartition(topic: Topic(String(cString: elements[$0].topic)), partition: Int(elements[$0].partition))
        }
    }

    /// How many partitions `topic` has, from the broker's metadata; fails if the topic does not exist.
    static func partitionCount(_ handle: OpaquePointer, _ topic: Topic, timeout: Duration) throws -> Int {
        guard let rkt = rd_kafka_topic_new(handle, topic.rawValue, nil) else {
            throw error("metadata", rd_kafka_last_error())
        }
        defer { rd_kafka_topic_destroy(rkt) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        try check("metadata", rd_kafka_metadata(handle, 0, rkt, &metadata, millis(timeout)))
        defer { rd_kafka_metadata_destroy(metadata) }
        guard let metadata, metadata.pointee.topic_cnt == 1, let entry = metadata.pointee.topics?.pointee else {
            throw error("metadata", RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
        }
        try check("metadata of \(topic)", entry.err)
        guard entry.partition_cnt > 0 else { throw error("metadata of \(topic)", RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) }
        return Int(entry.partition_cnt)
    }

    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
#endif
