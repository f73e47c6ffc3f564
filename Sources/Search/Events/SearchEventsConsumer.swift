import AcmeEvents

/// Turns the events Search indexes into ``IndexChange``s. It reads only the events' contracts (the fields it
/// needs from each payload), never another service's tables or types.
enum SearchEvents {
    static let group = "search.index"
    static let topics: [Topic] = [.usersEvents, .projectsEvents, .documentsEvents]

    /// The union of the payload fields Search reads.
    struct Payload: Codable, Sendable {
        var userId: String?
        var orgId: String?
        var email: String?
        var name: String?
        var projectId: String?
        var key: String?
        var description: String?
        var visibility: String?
        var documentId: String?
        var title: String?
        var body: String?
        var tags: [String]?
    }

    enum Failure: Error, CustomStringConvertible {
        case missing(field: String, event: String)

        var description: String {
            switch self {
            case .missing(let field, let event): "event \(event) lacks \(field)"
            }
        }
    }

    /// The change an event makes to the index; nil for events that change nothing Search shows.
    static func change(from event: ConsumedEvent) throws -> IndexChange? {
        let envelope = try EventCodec.decode(Payload.self, from: event.value)
        let (at, p) = (envelope.occurredAt, envelope.payload)
        func required<T>(_ value: T?, _ field: String) throws -> T {
            guard let value else { throw Failure.missing(field: field, event: envelope.id) }
            return value
        }
        func version() throws -> Int64 { try required(envelope.subjectVersion, "subjectVersion") }
        func orgId() throws -> String { try required(envelope.orgId, "orgId") }

        switch envelope.type {
        case "user.created", "user.updated":
            return .user(id: try required(p.userId, "userId"), name: p.name ?? "", email: p.email ?? "", version: try version(), at: at)
        case "user.deleted":
            return .userDeleted(id: try required(p.userId, "userId"), version: try version())
        case "org.member_added", "org.member_role_changed", "org.member_removed":
            return .orgMember(
                orgId: try required(p.orgId, "orgId"), userId: try required(p.userId, "userId"),
                member: envelope.type != "org.member_removed", version: try version(), at: at)
        case "org.deleted":
            return .orgDeleted(orgId: try required(p.orgId, "orgId"))

        case "project.created", "project.updated":
            return .project(IndexChange.ProjectState(
                id: try required(p.projectId, "projectId"), orgId: try orgId(), name: try required(p.name, "name"), key: p.key,
                description: p.description, visibility: try required(p.visibility, "visibility"), version: try version(), updatedAt: at))
        case "project.deleted":
            return .projectDeleted(id: try required(p.projectId, "projectId"), orgId: try orgId(), version: try version(), at: at)
        case "project.member_added", "project.member_removed":
            return .projectMember(
                projectId: try required(p.projectId, "projectId"), userId: try required(p.userId, "userId"),
                member: envelope.type == "project.member_added", version: try version())

        case "document.created", "document.updated", "document.restored":
            return .document(IndexChange.DocumentState(
                id: try required(p.documentId, "documentId"), orgId: try orgId(), projectId: try required(p.projectId, "projectId"),
                title: try required(p.title, "title"), body: p.body ?? "", tags: p.tags ?? [],
                author: envelope.type == "document.created" ? envelope.actor : nil, version: try version(), updatedAt: at))
        case "document.deleted":
            return .documentDeleted(id: try required(p.documentId, "documentId"), orgId: try orgId(), version: try version(), at: at)

        default:
            return nil
        }
    }
}
