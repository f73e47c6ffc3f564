import AcmeCore
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
        let envelope = EventEnvelope(
            id: AcmeID.make("evt", at: now), type: Event.type, occurredAt: now, orgId: orgId, actor: actor,
            subject: subject, subjectVersion: subjectVersion, traceparent: nil, payload: event)
        try await insert(topic: Event.topic, key: key, value: EventCodec.encode(envelope))
        if audit {
            let entry = AuditEntry(
                action: Event.type, requestId: request.requestId, ipAddress: request.ipAddress,
                userAgent: request.userAgent, details: event)
            let auditEnvelope = EventEnvelope(
                id: AcmeID.make("evt", at: now), type: AuditEntry<Event>.type, occurredAt: now, orgId: orgId,
                actor: actor, subject: subject, subjectVersion: subjectVersion, traceparent: nil, payload: entry)
            try await insert(topic: .auditLog, key: key, value: EventCodec.encode(auditEnvelope))
        }
    }

    private func insert(topic: Topic, key: String, value: [UInt8]) async throws {
        try await database.insert(into: "outbox")
            .columns("topic", "event_key", "value", "created_at")
            .values(SQLBind(topic.rawValue), SQLBind(key), SQLBind(Data(value)), SQLBind(Timestamp.millis(now)))
            .run()
    }
}
