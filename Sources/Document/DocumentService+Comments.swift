import AcmeCore
import AcmeDatabase
import AcmeEvents
import Project
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension DocumentService {
    /// The body of a comment creation or edit.
    public struct CommentInput: StrictDecodable, Sendable {
        public var body: String
        public enum CodingKeys: String, CodingKey { case body }
    }

    static let maxCommentLength = 10_000

    /// The trimmed comment text: 1–10,000 characters (newlines allowed: comments are Markdown).
    static func validateComment(_ body: String) throws(AcmeError) -> String {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { throw .invalid("body", "must not be empty") }
        if trimmed.utf8.contains(0) { throw .invalid("body", "must not contain NUL characters") }
        if trimmed.count > maxCommentLength { throw .invalid("body", "must be at most \(maxCommentLength) characters") }
        return trimmed
    }

    func createComment(_ principal: Principal, documentId: String, _ input: CommentInput, idempotency: IdempotencyKey?, request: RequestInfo) async throws -> (Comment, replayed: Bool) {
        try principal.require(.documentsWrite)
        let body = try Self.validateComment(input.body)
        let facts = try await database.read { db in try await store.facts(id: documentId, on: db) }
        _ = try await authorize(principal, document: facts, needs: .editor, writing: true)

        return try await outbox.transaction { db, events in
            try await idempotent(idempotency, on: db, now: events.now) {
                let facts = try await requireLive(documentId, on: db)
                let comment = Comment(
                    id: AcmeID.make("cmt", at: events.now), documentId: documentId, projectId: facts.projectId,
                    authorId: principal.userId, body: body, createdAt: events.now, updatedAt: events.now)
                try await commentStore.insert(comment, on: db)
                try await events.emit(
                    CommentCreated(projectId: facts.projectId, documentId: documentId, commentId: comment.id, authorId: comment.authorId),
                    subject: documentId, subjectVersion: nil, orgId: facts.orgId, actor: principal.userId, request: request)
                return comment
            }
        }
    }

    func comments(_ principal: Principal, documentId: String, page: PageRequest) async throws -> Page<Comment> {
        try principal.require(.documentsRead)
        let (facts, rows) = try await database.read { db -> (DocumentStore.Facts?, [(Comment, Int64)]) in
            let facts = try await store.facts(id: documentId, on: db)
            guard let facts, !facts.deleted else { return (facts, []) }
            return (facts, try await commentStore.comments(documentId: documentId, page: page, on: db))
        }
        _ = try await authorize(principal, document: facts, needs: .viewer)
        return Page(rows: rows, limit: page.limit, item: \.0) { [String($0.1)] }
    }

    func updateComment(_ principal: Principal, id: String, _ input: CommentInput, request: RequestInfo) async throws -> Comment {
        try principal.require(.documentsWrite)
        let body = try Self.validateComment(input.body)
        let (comment, facts) = try await authorizeCommentChange(principal, id: id)
        guard comment.body != body else { return comment }
        return try await outbox.transaction { db, events in
            try await requireLive(facts.id, on: db)
            var updated = comment
            updated.body = body
            updated.updatedAt = events.now
            guard try await commentStore.update(updated, on: db) else { throw AcmeError.notFound() }
            try await events.emit(
                CommentUpdated(projectId: facts.projectId, documentId: facts.id, commentId: id, authorId: comment.authorId),
                subject: facts.id, subjectVersion: nil, orgId: facts.orgId, actor: principal.userId, request: request)
            return updated
        }
    }

    func deleteComment(_ principal: Principal, id: String, request: RequestInfo) async throws {
        try principal.require(.documentsWrite)
        let (comment, facts) = try await authorizeCommentChange(principal, id: id)
        try await outbox.transaction { db, events in
            try await requireLive(facts.id, on: db)
            guard try await commentStore.delete(id: id, on: db) else { throw AcmeError.notFound() }
            try await events.emit(
                CommentDeleted(projectId: facts.projectId, documentId: facts.id, commentId: id, authorId: comment.authorId),
                subject: facts.id, subjectVersion: nil, orgId: facts.orgId, actor: principal.userId, request: request)
        }
    }

    /// The document's facts inside a comment's transaction: it may have been deleted since it was checked.
    @discardableResult
    private func requireLive(_ documentId: String, on db: any SQLDatabase) async throws -> DocumentStore.Facts {
        guard let facts = try await store.facts(id: documentId, on: db), !facts.deleted else { throw Self.gone(documentId) }
        return facts
    }

    /// The comment, if the caller may change it: its author (still an editor) or a project admin.
    private func authorizeCommentChange(_ principal: Principal, id: String) async throws -> (Comment, DocumentStore.Facts) {
        let found = try await database.read { db in try await commentStore.comment(id: id, on: db) }
        let access = try await authorize(principal, document: found?.1, needs: .viewer)
        guard let (comment, facts) = found else { throw AcmeError.notFound() }
        guard comment.authorId == principal.userId || access.role >= .admin else {
            throw AcmeError.forbidden("Only the comment's author or a project admin can change it.")
        }
        try access.require(.editor, writing: true)
        return (comment, facts)
    }
}
