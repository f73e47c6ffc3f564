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

    /// The envelope's bytes around a payload that is already JSON: events are written on every change, and
    /// encoding the payload once (for the event and its audit entry) instead of whole envelopes with
    /// JSONEncoder halves the cost. Field names and formats match `EventEnvelope`'s Codable form.
    static func encode(
        id: String, type: String, occurredAt: Date, orgId: String?, actor: String?, subject: String,
        subjectVersion: Int64?, payloadJSON: String
    ) -> [UInt8] {
        var json = "{\"actor\":" + JSONText.string(actor)
        json += ",\"id\":" + JSONText.string(id)
        json += ",\"occurredAt\":" + JSONText.string(Timestamp.format(occurredAt))
        json += ",\"orgId\":" + JSONText.string(orgId)
        json += ",\"payload\":" + payloadJSON
        json += ",\"subject\":" + JSONText.string(subject)
        json += ",\"subjectVersion\":" + (subjectVersion.map(String.init) ?? "null")
        json += ",\"traceparent\":null,\"type\":" + JSONText.string(type) + "}"
        return Array(json.utf8)
    }

    /// An audit entry's JSON around the already encoded details.
    static func auditEntryJSON(action: String, request: RequestInfo, detailsJSON: String) -> String {
        var json = "{\"action\":" + JSONText.string(action)
        json += ",\"details\":" + detailsJSON
        json += ",\"ipAddress\":" + JSONText.string(request.ipAddress)
        json += ",\"requestId\":" + JSONText.string(request.requestId)
        json += ",\"userAgent\":" + JSONText.string(request.userAgent) + "}"
        return json
    }

    public static func header(_ bytes: [UInt8]) throws -> EventHeader {
        try JSONCoding.decoder().decode(EventHeader.self, from: Data(bytes))
    }

    public static func decode<Payload>(_ type: Payload.Type, from bytes: [UInt8]) throws -> EventEnvelope<Payload> {
        try JSONCoding.decoder().decode(EventEnvelope<Payload>.self, from: Data(bytes))
    }
}
