import AcmeCore
import AcmeDatabase
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes events into the outbox inside the caller's transaction.
public struct EventWriter: Sendable {
    let database: any SQLDatabase
    /// The transaction's time: every event of one change carries the same `occurredAt`.
    public let now: Date

    /// Emits `event` on its topic and, unless `audit` is false, an audit entry on `acme.audit.log`.
    ///
    /// Events are keyed by org, so one tenant's events stay in order; events outside any org are keyed by
    /// `userKey` (the user they concern) or else the subject.
    public func emit<Event: DomainEvent>(
        _ event: Event, subject: String, subjectVersion: Int64?, orgId: String?, actor: String?,
        userKey: String? = nil, request: RequestInfo, audit: Bool = true
    ) async throws {
        let key = orgId ?? userKey ?? subject
        let payload = String(decoding: try CompactJSONEncoder.encode(event), as: UTF8.self)
        var rows = [(Event.topic, EventCodec.encode(
            id: AcmeID.make("evt", at: now), type: Event.type, occurredAt: now, orgId: orgId, actor: actor,
            subject: subject, subjectVersion: subjectVersion, payloadJSON: payload))]
        if audit {
            let details = try event.audited.map { String(decoding: try CompactJSONEncoder.encode($0), as: UTF8.self) } ?? payload
            let entry = EventCodec.auditEntryJSON(action: Event.type, request: request, detailsJSON: details)
            rows.append((.auditLog, EventCodec.encode(
                id: AcmeID.make("evt", at: now), type: AuditEntry<Event>.type, occurredAt: now, orgId: orgId, actor: actor,
                subject: subject, subjectVersion: subjectVersion, payloadJSON: entry)))
        }
        let createdAt = Timestamp.millis(now)
        try await Self.insert.run(database, rows: rows.count, rows.flatMap { topic, value -> [any Encodable & Sendable] in
            [topic.rawValue, key, Data(value), createdAt]
        })
    }

    private static let insert = SQLTemplate(deferrable: true, rows: { db, rows in
        SQLTemplate.insert(db, into: "outbox", columns: ["topic", "event_key", "value", "created_at"], rows: rows).query
    })
}
