/// A named stream of events on the bus. The names are the seed architecture's.
public struct Topic: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ name: String) { self.rawValue = name }
    public var description: String { rawValue }

    public static let usersEvents = Topic("acme.users.events")
    public static let projectsEvents = Topic("acme.projects.events")
    public static let documentsEvents = Topic("acme.documents.events")
    public static let filesEvents = Topic("acme.files.events")
    public static let billingEvents = Topic("acme.billing.events")
    public static let auditLog = Topic("acme.audit.log")
}
