/// What AcmeKafka throws; librdkafka's own errors carry its error code and error string.
public enum KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// librdkafka rejected a configuration property.
    case invalidConfiguration(key: String, reason: String)
    /// librdkafka could not create a client.
    case clientCreation(reason: String)
    /// An operation failed with a librdkafka error code (`rd_kafka_resp_err_t`).
    case librdkafka(operation: String, code: Int32, reason: String)
    /// The client was closed.
    case closed
    /// An event value does not fit its topic's wire format (e.g. its Avro schema), so it cannot be produced,
    /// or a consumed value cannot be read back.
    case invalidEvent(topic: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let key, let reason): "invalid Kafka configuration \(key): \(reason)"
        case .clientCreation(let reason): "cannot create Kafka client: \(reason)"
        case .librdkafka(let operation, let code, let reason): "Kafka \(operation) failed: \(reason) (\(code))"
        case .closed: "the Kafka client is closed"
        case .invalidEvent(let topic, let reason): "invalid event on \(topic): \(reason)"
        }
    }
}
