import AcmeEvents

/// Events the Document service publishes on `acme.documents.events`, keyed by org. Document events carry the
/// document's version after the change as their subject version; comment events have the document as
/// subject and no version (comments do not change the document). Payloads never carry bodies.
public struct DocumentCreated: DomainEvent, Equatable {
    public static let type = "document.created"
    public static let topic = Topic.documentsEvents
    public var projectId: String
    public var documentId: String
    public var title: String
    public var tags: [String]
    public var version: Int64
    public var size: Int
}

public struct DocumentUpdated: DomainEvent, Equatable {
    public static let type = "document.updated"
    public static let topic = Topic.documentsEvents
    public var projectId: String
    public var documentId: String
    public var title: String
    public var tags: [String]
    public var version: Int64
    public var size: Int
    public var titleChanged: Bool
    public var tagsChanged: Bool
    public var bodyChanged: Bool
    public var addedLines: Int
    public var removedLines: Int
    /// Set when the change restored an earlier version's content.
    public var restoredFrom: Int64?
}

public struct DocumentDeleted: DomainEvent, Equatable {
    public static let type = "document.deleted"
    public static let topic = Topic.documentsEvents
    public var projectId: String
    public var documentId: String
    public var title: String
    public var tags: [String]
    public var version: Int64
}

public struct DocumentRestored: DomainEvent, Equatable {
    public static let type = "document.restored"
    public static let topic = Topic.documentsEvents
    public var projectId: String
    public var documentId: String
    public var title: String
    public var tags: [String]
    public var version: Int64
}

public struct CommentCreated: DomainEvent, Equatable {
    public static let type = "comment.created"
    public static let topic = Topic.documentsEvents
    public var projectId: String
    public var documentId: String
    public var commentId: String
    public var authorId: String
}

public struct CommentUpdated: DomainEvent, Equatable {
    public static let type = "comment.updated"
    public static let topic = Topic.documentsEvents
    public var projectId: String
    public var documentId: String
    public var commentId: String
    public var authorId: String
}

public struct CommentDeleted: DomainEvent, Equatable {
    public static let type = "comment.deleted"
    public static let topic = Topic.documentsEvents
    public var projectId: String
    public var documentId: String
    public var commentId: String
    public var authorId: String
}
