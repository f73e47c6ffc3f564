import AcmeEvents

/// How an event's value travels on Kafka. The rest of the platform only ever sees the JSON envelope that
/// `EventCodec` writes (the bytes the embedded log stores); a wire format may carry it differently on the
/// broker, as long as `decode(encode(v))` gives back `v` byte for byte.
public protocol EventWireFormat: Sendable {
    /// The bytes to produce for the JSON value `json` on `topic`.
    func encode(_ json: [UInt8], topic: Topic) throws(KafkaError) -> [UInt8]
    /// The JSON value for bytes consumed from `topic`.
    func decode(_ bytes: [UInt8], topic: Topic) throws(KafkaError) -> [UInt8]
}

/// Values travel as they are: the JSON envelope. For brokers without a schema registry and for tests.
public struct JSONWireFormat: EventWireFormat {
    public init() {}

    public func encode(_ json: [UInt8], topic: Topic) throws(KafkaError) -> [UInt8] { json }

    public func decode(_ bytes: [UInt8], topic: Topic) throws(KafkaError) -> [UInt8] { bytes }
}
