/// A fact a service publishes. The payload type names its event type and the topic it belongs on.
public protocol DomainEvent: Codable, Sendable {
    /// Dotted event type, e.g. `user.created`.
    static var type: String { get }
    static var topic: Topic { get }
    /// The event as its audit entry records it, when that differs from the event: events that carry
    /// content (a document's body) return a copy without it, so the audit log records the change, not the
    /// content. Nil (the default): the whole event.
    var audited: Self? { get }
}

extension DomainEvent {
    public var audited: Self? { nil }
}
