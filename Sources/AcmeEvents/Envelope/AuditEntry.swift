/// The payload of every event on `acme.audit.log`: who did what, from where, and the change itself.
public struct AuditEntry<Details: Codable & Sendable>: Codable, Sendable {
    /// The domain event type that was audited, e.g. `org.member_added`.
    public var action: String
    public var requestId: String
    public var ipAddress: String
    public var userAgent: String
    public var details: Details

    public static var type: String { "audit.entry" }
}
