import AcmeCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The record published to `<topic>.dlq` for an event a consumer could not apply.
public struct DeadLetter: Codable, Sendable {
    public var group: String
    public var topic: String
    public var partition: Int
    public var offset: Int64
    public var error: String
    /// The original event bytes, base64.
    public var value: String

    static func event(for event: ConsumedEvent, group: String, error: any Error) -> OutgoingEvent {
        let letter = DeadLetter(
            group: group, topic: event.topic.rawValue, partition: event.partition, offset: event.offset,
            error: String(describing: error), value: Data(event.value).base64EncodedString())
        let bytes = (try? JSONCoding.encoder().encode(letter)).map(Array.init) ?? []
        return OutgoingEvent(topic: Topic(event.topic.rawValue + ".dlq"), key: event.key, value: bytes)
    }
}
