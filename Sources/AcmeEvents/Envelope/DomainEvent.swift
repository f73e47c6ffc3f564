/// A fact a service publishes. The payload type names its event type and the topic it belongs on.
public protocol DomainEvent: Codable, Sendable {
    /// Dotted event type, e.g. `user.created`.
    static var type: String { get }
    static var topic: Topic { get }
}
