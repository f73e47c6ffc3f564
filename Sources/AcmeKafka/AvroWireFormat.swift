import AcmeAvro
import AcmeEvents

/// Values on topics with an Avro schema travel as Avro Object Container Files holding one event each; other
/// topics (dead-letter topics, tests' topics) carry the JSON envelope unchanged.
///
/// A container file, not bare Avro binary, because it carries its writer schema: a broker with a schema
/// registry (tansu's `--schema-registry`) validates every value against the topic's schema by reading it
/// as a container file, and so can any consumer that never saw our schema files. The JSON ⇄ Avro mapping
/// is `AvroJSONBridge`'s, which gives back the envelope `EventCodec` wrote byte for byte.
public struct AvroWireFormat: EventWireFormat {
    private let codecs: [Topic: AvroTopicCodec]

    /// One codec per topic; fails if a schema does not parse or its bridge annotations are invalid.
    public init(schemas: [Topic: String]) throws(KafkaError) {
        var codecs: [Topic: AvroTopicCodec] = [:]
        for (topic, text) in schemas {
            do {
                codecs[topic] = try AvroTopicCodec(schemaText: text)
            } catch {
                throw .invalidEvent(topic: topic.rawValue, reason: "its schema: \(error)")
            }
        }
        self.codecs = codecs
    }

    /// The platform's topics with the schemas compiled in from `schemas/` (`EventSchemas`).
    public static func platform() throws(KafkaError) -> AvroWireFormat {
        try AvroWireFormat(schemas: EventSchemas.byTopic)
    }

    /// The topics this format writes as Avro.
    public var topics: Set<Topic> { Set(codecs.keys) }

    public func encode(_ json: [UInt8], topic: Topic) throws(KafkaError) -> [UInt8] {
        guard let codec = codecs[topic] else { return json }
        do {
            return try codec.containerFile(fromJSON: json)
        } catch {
            throw .invalidEvent(topic: topic.rawValue, reason: error.description)
        }
    }

    public func decode(_ bytes: [UInt8], topic: Topic) throws(KafkaError) -> [UInt8] {
        guard let codec = codecs[topic] else { return bytes }
        do {
            return try codec.json(fromContainerFile: bytes)
        } catch {
            throw .invalidEvent(topic: topic.rawValue, reason: error.description)
        }
    }
}
