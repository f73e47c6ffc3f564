import AcmeCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What other services may ask of the Project service.
public protocol ProjectAPI: Sendable {
    /// What `userId` may do in the project, or nil when they may not see it (or it does not exist):
    /// callers answer 404 then, so other tenants' project ids leak nothing.
    func access(userId: String, projectId: String) async throws -> ProjectAccess?
}

/// A user's standing in one project, as the Document (and later File, Search) services need it.
public struct ProjectAccess: Sendable, Equatable {
    public var projectId: String
    public var orgId: String
    public var role: ProjectRole
    /// Archived projects are read-only.
    public var archived: Bool
    /// Tags a new document gets when it is created without any.
    public var defaultDocumentTags: [String]

    public init(projectId: String, orgId: String, role: ProjectRole, archived: Bool, defaultDocumentTags: [String]) {
        self.projectId = projectId
        self.orgId = orgId
        self.role = role
        self.archived = archived
        self.defaultDocumentTags = defaultDocumentTags
    }

    /// Throws 403 unless the role is at least `needed`, and 409 for writes to an archived project.
    public func require(_ needed: ProjectRole, writing: Bool = false) throws(AcmeError) {
        guard role >= needed else { throw .forbidden("This needs the \(needed.rawValue) role in the project.") }
        if writing, archived { throw .conflict("The project is archived; unarchive it to make changes.") }
    }
}

/// Roles inside a project: admin > editor > viewer. Org owners and admins are admins of every project.
public enum ProjectRole: String, Codable, Sendable, CaseIterable, Comparable {
    case viewer
    case editor
    case admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .editor: 1
        case .admin: 2
        }
    }

    public static func < (lhs: ProjectRole, rhs: ProjectRole) -> Bool { lhs.rank < rhs.rank }

    /// The role a user has in a project, from their org role, their project membership and the project's
    /// visibility; nil when the project is invisible to them.
    public static func effective(orgRole: OrgRole?, memberRole: ProjectRole?, visibility: ProjectVisibility) -> ProjectRole? {
        guard let orgRole else { return nil }
        if orgRole >= .admin { return .admin }
        let granted = memberRole ?? (visibility == .org ? .viewer : nil)
        // Org viewers are read-only everywhere in the org.
        if orgRole == .viewer { return granted.map { _ in .viewer } }
        return granted
    }
}

public enum ProjectVisibility: String, Codable, Sendable, CaseIterable {
    /// Every member of the org can see it.
    case org
    /// Only project members (and org admins) can see it.
    case `private`
}

public struct Project: Codable, Sendable, Equatable {
    public var id: String
    public var orgId: String
    public var name: String
    public var key: String
    public var description: String?
    public var visibility: ProjectVisibility
    public var archived: Bool
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64
}

/// A project as its reader sees it: the project plus the caller's role.
public struct ProjectView: Codable, Sendable, Equatable {
    public var id: String
    public var orgId: String
    public var name: String
    public var key: String
    public var description: String?
    public var visibility: ProjectVisibility
    public var archived: Bool
    public var role: ProjectRole
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date

    init(_ project: Project, role: ProjectRole) {
        id = project.id
        orgId = project.orgId
        name = project.name
        key = project.key
        description = project.description
        visibility = project.visibility
        archived = project.archived
        self.role = role
        createdBy = project.createdBy
        createdAt = project.createdAt
        updatedAt = project.updatedAt
    }
}

public struct ProjectMember: Codable, Sendable, Equatable {
    public var userId: String
    public var role: ProjectRole
    /// From the users read model; null until the user's events have arrived.
    public var displayName: String?
    public var email: String?
    public var addedAt: Date
}

/// The typed, validated settings document of a project.
public struct ProjectSettings: Codable, Sendable, Equatable {
    /// MIME types (`image/png`) or families (`image/*`) the File service accepts; empty accepts any.
    public var allowedFileTypes: [String]
    /// Largest upload in MiB.
    public var maxFileSizeMB: Int
    /// Whether webhooks fire on every change in the project.
    public var webhookOnChange: Bool
    /// Tags given to new documents created without tags.
    public var defaultDocumentTags: [String]

    public static let defaults = ProjectSettings(allowedFileTypes: [], maxFileSizeMB: 100, webhookOnChange: false, defaultDocumentTags: [])
}
