/// Which event bus the services share: the embedded durable log (the default) or a Kafka cluster.
public enum EventBusSetting: Sendable, Equatable {
    case embedded
    /// `host:port[,host:port…]`, librdkafka's `bootstrap.servers`.
    case kafka(brokers: String)

    /// `embedded`, or `kafka://host:port[,host:port…]`.
    public init(parsing text: String) throws(ConfigError) {
        if text == "embedded" {
            self = .embedded
            return
        }
        let expected = "embedded or kafka://host:port[,host:port…]"
        guard text.hasPrefix("kafka://") else { throw .invalid("event bus", text, expected) }
        self = .kafka(brokers: try Self.brokers(String(text.dropFirst("kafka://".count)), expected: expected))
    }

    /// A `host:port[,host:port…]` list (ACME_KAFKA_BROKERS), validated and without blanks.
    static func brokers(_ list: String, expected: String = "host:port[,host:port…]") throws(ConfigError) -> String {
        let brokers = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !brokers.isEmpty, brokers.allSatisfy(isHostPort) else { throw .invalid("Kafka brokers", list, expected) }
        return brokers.joined(separator: ",")
    }

    private static func isHostPort(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex, let port = Int(text[text.index(after: colon)...]) else { return false }
        return (1...65_535).contains(port) && !text[..<colon].contains("/")
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
