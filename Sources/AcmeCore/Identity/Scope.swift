/// What an API token may do. Sessions hold all of them.
public enum Scope: String, Sendable, Codable, CaseIterable, Hashable {
    case profileRead = "profile:read"
    case profileWrite = "profile:write"
    case orgsRead = "orgs:read"
    case orgsWrite = "orgs:write"
    case projectsRead = "projects:read"
    case projectsWrite = "projects:write"
    case documentsRead = "documents:read"
    case documentsWrite = "documents:write"

    public static let all = Set(allCases)
}
