import AcmeCore
import AcmeDatabase
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Document service's queries on comments.
struct CommentStore: Sendable {
    /// A comment with the facts of its document.
    func comment(id: String, on db: any SQLDatabase) async throws -> (Comment, DocumentStore.Facts)? {
        try await db.select()
            .column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("c")))
            .column(SQLColumn("org_id", table: "d")).column(SQLColumn("deleted", table: "d"))
            .from(SQLAlias(SQLIdentifier("comments"), as: SQLIdentifier("c")))
            .join(SQLAlias(SQLIdentifier("documents"), as: SQLIdentifier("d")), method: SQLJoinMethod.inner,
                  on: SQLColumn("id", table: "d"), .equal, SQLColumn("document_id", table: "c"))
            .where(SQLColumn("id", table: "c"), .equal, SQLBind(id))
            .first()
            .map { row in
                let comment = try Self.comment(row)
                return (comment, DocumentStore.Facts(
                    id: comment.documentId, projectId: comment.projectId, orgId: try row.string("org_id"),
                    deleted: try row.decode(column: "deleted", as: Bool.self)))
            }
    }

    func insert(_ comment: Comment, on db: any SQLDatabase) async throws {
        try await db.insert(into: "comments")
            .columns("id", "document_id", "project_id", "author_id", "body", "created_at", "updated_at")
            .values(
                SQLBind(comment.id), SQLBind(comment.documentId), SQLBind(comment.projectId), SQLBind(comment.authorId),
                SQLBind(comment.body), SQLBind(comment.createdAt.millis), SQLBind(comment.updatedAt.millis))
            .run()
    }

    /// Returns false when the comment no longer exists.
    func update(_ comment: Comment, on db: any SQLDatabase) async throws -> Bool {
        try await db.update("comments").set("body", to: comment.body).set("updated_at", to: comment.updatedAt.millis)
            .where("id", .equal, comment.id).returning("id").first() != nil
    }

    /// Returns false when the comment no longer exists.
    func delete(id: String, on db: any SQLDatabase) async throws -> Bool {
        try await db.delete(from: "comments").where("id", .equal, id).returning("id").first() != nil
    }

    /// A document's comments, oldest first, with their sequence numbers (the cursor); up to `limit + 1` rows.
    func comments(documentId: String, page: PageRequest, on db: any SQLDatabase) async throws -> [(Comment, Int64)] {
        var select = db.select().column("*").from("comments").where("document_id", .equal, documentId)
        if let after = page.after?.first.flatMap({ Int64($0) }) {
            select = select.where("seq", .greaterThan, after)
        }
        return try await select.orderBy("seq").limit(page.limit + 1).all().map { row in
            (try Self.comment(row), try row.decode(column: "seq", as: Int64.self))
        }
    }

    static func comment(_ row: any SQLRow) throws -> Comment {
        Comment(
            id: try row.string("id"), documentId: try row.string("document_id"), projectId: try row.string("project_id"),
            authorId: try row.string("author_id"), body: try row.string("body"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"))
    }
}
