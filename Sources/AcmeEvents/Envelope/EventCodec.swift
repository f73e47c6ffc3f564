import AcmeCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encodes envelopes to the bytes stored in the outbox and on the bus, and back.
/// JSON for now; the Avro codec replaces it behind the same two functions.
public enum EventCodec {
    public static func encode<Payload>(_ envelope: EventEnvelope<Payload>) throws -> [UInt8] {
        Array(try JSONCoding.encoder().encode(envelope))
    }

    public static func header(_ bytes: [UInt8]) throws -> EventHeader {
        try JSONCoding.decoder().decode(EventHeader.self, from: Data(bytes))
    }

    public static func decode<Payload>(_ type: Payload.Type, from bytes: [UInt8]) throws -> EventEnvelope<Payload> {
        try JSONCoding.decoder().decode(EventEnvelope<Payload>.self, from: Data(bytes))
    }
}
