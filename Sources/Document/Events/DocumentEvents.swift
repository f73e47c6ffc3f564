import AcmeEvents

/// Events the Document service publishes on `acme.documents.events`, keyed by org. Document events carry the
/// document's version after the change as their subject version; comment events have the document as
/// subject and no version (comments do not change the document).
///
/// Created, updated and restored events carry the body, cut to ``DocumentEvents/maxBodyBytes`` (what Search
/// indexes), so a consumer can build its state from the events alone; their audit entries leave it out.
public struct DocumentCreated: DomainEvent, Equatable {
    public static let type = "document.created"
    public static let topic = Topic.documentsEvents
    public var projectId: String
    public var documentId: String
    public var title: String
    public var tags: [String]
    public var version: Int64
    public var size: Int
    /// The body (Markdown), at most ``DocumentEvents/maxBodyBytes`` of it.
    public var body: String?

    public var audited: Self? {
        var copy = self
        copy.body = nil
        return copy
    }
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
    /// The body (Markdown), at most ``DocumentEvents/maxBodyBytes`` of it.
    public var body: String?

    public var audited: Self? {
        var copy = self
        copy.body = nil
        return copy
    }
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
    /// The body (Markdown), at most ``DocumentEvents/maxBodyBytes`` of it.
    public var body: String?

    public var audited: Self? {
        var copy = self
        copy.body = nil
        return copy
    }
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

public enum DocumentEvents {
    /// The most of a body an event carries: enough for search, and it keeps events well under a Kafka
    /// broker's default 1 MB message limit.
    public static let maxBodyBytes = 256 * 1024

    /// `body` cut to ``maxBodyBytes`` at a character boundary.
    static func excerpt(_ body: String) -> String {
        guard body.utf8.count > maxBodyBytes else { return body }
        var end = body.utf8.index(body.utf8.startIndex, offsetBy: maxBodyBytes)
        while end > body.startIndex, end.samePosition(in: body) == nil {
            end = body.utf8.index(before: end)
        }
        return String(body[..<end])
    }
}
