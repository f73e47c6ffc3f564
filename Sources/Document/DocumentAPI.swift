import AcmeCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What other services (Export, Search) may ask of the Document service.
public protocol DocumentAPI: Sendable {
    /// The document with its current body, or nil when there is no such document. Deleted documents are
    /// returned too, with `deletedAt` set: callers decide whether a deleted document counts. No access
    /// check: this is for services acting for the system, not for a user.
    func document(id: String) async throws -> Document?
}

/// A Markdown document in a project, at its current version.
public struct Document: Codable, Sendable, Equatable {
    public var id: String
    public var projectId: String
    public var orgId: String
    public var title: String
    /// Markdown, at most 1 MiB of UTF-8.
    public var body: String
    public var tags: [String]
    /// Counts every change, from 1 at creation; the ETag is `"v<version>"`.
    public var version: Int64
    /// Size of the body in bytes (UTF-8).
    public var size: Int
    public var createdBy: String
    public var updatedBy: String
    public var createdAt: Date
    public var updatedAt: Date
    /// Set while the document is deleted (restorable by a project admin).
    public var deletedAt: Date?

    public init(
        id: String, projectId: String, orgId: String, title: String, body: String, tags: [String], version: Int64,
        createdBy: String, updatedBy: String, createdAt: Date, updatedAt: Date, deletedAt: Date? = nil
    ) {
        self.id = id
        self.projectId = projectId
        self.orgId = orgId
        self.title = title
        self.body = body
        self.tags = tags
        self.version = version
        self.size = body.utf8.count
        self.createdBy = createdBy
        self.updatedBy = updatedBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
    }
}

/// A document as lists show it: everything but the body.
public struct DocumentSummary: Codable, Sendable, Equatable {
    public var id: String
    public var projectId: String
    public var title: String
    public var tags: [String]
    public var version: Int64
    public var size: Int
    public var createdBy: String
    public var updatedBy: String
    public var createdAt: Date
    public var updatedAt: Date
}

/// One stored version of a document, as the history lists it (without the body).
public struct DocumentVersionSummary: Codable, Sendable, Equatable {
    /// What made this version.
    public enum Change: String, Codable, Sendable, CaseIterable {
        case created
        /// An edit, or a restore of an earlier version's content (`restoredFrom` says which).
        case updated
        case deleted
        /// Brought back after deletion.
        case restored
    }

    public var documentId: String
    public var version: Int64
    public var change: Change
    /// The version whose content this version restored, for `POST …/versions/{n}/restore`.
    public var restoredFrom: Int64?
    public var title: String
    public var tags: [String]
    public var size: Int
    public var authorId: String
    public var createdAt: Date
    /// Line-wise changes of the body against the previous version (the first version adds all its lines).
    public var addedLines: Int
    public var removedLines: Int
    public var titleChanged: Bool
    public var tagsChanged: Bool
}

/// One stored version of a document with its content.
public struct DocumentVersion: Codable, Sendable, Equatable {
    public var documentId: String
    public var version: Int64
    public var change: DocumentVersionSummary.Change
    public var restoredFrom: Int64?
    public var title: String
    public var body: String
    public var tags: [String]
    public var size: Int
    public var authorId: String
    public var createdAt: Date
    public var addedLines: Int
    public var removedLines: Int
    public var titleChanged: Bool
    public var tagsChanged: Bool

    public init(_ summary: DocumentVersionSummary, body: String) {
        documentId = summary.documentId
        version = summary.version
        change = summary.change
        restoredFrom = summary.restoredFrom
        title = summary.title
        self.body = body
        tags = summary.tags
        size = summary.size
        authorId = summary.authorId
        createdAt = summary.createdAt
        addedLines = summary.addedLines
        removedLines = summary.removedLines
        titleChanged = summary.titleChanged
        tagsChanged = summary.tagsChanged
    }
}

/// A comment on a document. Comments do not change the document's version.
public struct Comment: Codable, Sendable, Equatable {
    public var id: String
    public var documentId: String
    public var projectId: String
    public var authorId: String
    /// 1–10,000 characters (Markdown).
    public var body: String
    public var createdAt: Date
    public var updatedAt: Date
}
