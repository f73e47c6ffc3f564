#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The envelope every event travels in (DESIGN.md §4).
public struct EventEnvelope<Payload: Codable & Sendable>: Codable, Sendable {
    /// Unique per event (`evt_…`); consumers deduplicate on it.
    public var id: String
    public var type: String
    public var occurredAt: Date
    /// The tenant; nil for events about a user outside any org.
    public var orgId: String?
    /// The user who caused it; nil for system actions.
    public var actor: String?
    /// The id of the entity the event is about.
    public var subject: String
    /// The subject's version after this change, increasing with every change its owning service makes, so
    /// consumers of state can order and drop stale events. Nil for facts that change no versioned state
    /// (a login, a revoked session).
    public var subjectVersion: Int64?
    /// W3C trace context of the request that caused the event.
    public var traceparent: String?
    public var payload: Payload

    public init(
        id: String, type: String, occurredAt: Date, orgId: String?, actor: String?, subject: String,
        subjectVersion: Int64?, traceparent: String?, payload: Payload
    ) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.orgId = orgId
        self.actor = actor
        self.subject = subject
        self.subjectVersion = subjectVersion
        self.traceparent = traceparent
        self.payload = payload
    }
}

/// The envelope without its payload: what a consumer reads first to decide how to decode the rest.
public struct EventHeader: Codable, Sendable, Equatable {
    public var id: String
    public var type: String
    public var occurredAt: Date
    public var orgId: String?
    public var actor: String?
    public var subject: String
    public var subjectVersion: Int64?
}
