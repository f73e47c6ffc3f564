#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One change to the search index, decoded from an event. Changes to one subject carry its version, and
/// the index applies a change only when it is newer than what it holds, so replays and duplicates are no-ops.
public enum IndexChange: Sendable, Equatable {
    /// A document's current state (created, updated or restored).
    case document(DocumentState)
    case documentDeleted(id: String, orgId: String, version: Int64, at: Date)
    /// A project's name, key, description or visibility.
    case project(ProjectState)
    case projectDeleted(id: String, orgId: String, version: Int64, at: Date)
    /// A project's member joined (`true`) or left; the version is the project's.
    case projectMember(projectId: String, userId: String, member: Bool, version: Int64)
    /// A user's profile, shown wherever they are an org member.
    case user(id: String, name: String, email: String, version: Int64, at: Date)
    case userDeleted(id: String, version: Int64)
    /// A user joined an org (or changed role) / left it; the version is the org's.
    case orgMember(orgId: String, userId: String, member: Bool, version: Int64, at: Date)
    /// Everything indexed for the org goes.
    case orgDeleted(orgId: String)

    public struct DocumentState: Sendable, Equatable {
        public var id: String
        public var orgId: String
        public var projectId: String
        public var title: String
        public var body: String
        public var tags: [String]
        /// The creator, when this change is the creation; later changes keep it.
        public var author: String?
        public var version: Int64
        public var updatedAt: Date

        public init(
            id: String, orgId: String, projectId: String, title: String, body: String, tags: [String], author: String?,
            version: Int64, updatedAt: Date
        ) {
            (self.id, self.orgId, self.projectId, self.title, self.body) = (id, orgId, projectId, title, body)
            (self.tags, self.author, self.version, self.updatedAt) = (tags, author, version, updatedAt)
        }
    }

    public struct ProjectState: Sendable, Equatable {
        public var id: String
        public var orgId: String
        public var name: String
        /// Nil when the event does not carry it (the index keeps what it has).
        public var key: String?
        public var description: String?
        public var visibility: String
        public var version: Int64
        public var updatedAt: Date

        public init(
            id: String, orgId: String, name: String, key: String?, description: String?, visibility: String, version: Int64,
            updatedAt: Date
        ) {
            (self.id, self.orgId, self.name, self.key, self.description) = (id, orgId, name, key, description)
            (self.visibility, self.version, self.updatedAt) = (visibility, version, updatedAt)
        }
    }
}
