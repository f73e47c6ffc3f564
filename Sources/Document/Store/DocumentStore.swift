import AcmeCore
import AcmeDatabase
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Document service's queries on documents and their tags. Dialect-neutral SQLKit; every function takes
/// the connection so it composes inside an outbox transaction.
struct DocumentStore: Sendable {
    struct ListQuery: Sendable {
        var projectId: String
        var tag: String?
        var updatedSince: Date?
        var page: PageRequest
    }

    /// The columns of a list item: never the body.
    static let summaryColumns = [
        "id", "project_id", "title", "tags", "size", "version", "created_by", "updated_by", "created_at", "updated_at",
    ]

    /// What requests about a document's history or comments need to know about the document itself.
    struct Facts: Sendable {
        var id: String
        var projectId: String
        var orgId: String
        var deleted: Bool
    }

    func facts(id: String, on db: any SQLDatabase) async throws -> Facts? {
        try await db.select().columns("id", "project_id", "org_id", "deleted").from("documents").where("id", .equal, id)
            .first().map { row in
                Facts(
                    id: try row.string("id"), projectId: try row.string("project_id"), orgId: try row.string("org_id"),
                    deleted: try row.decode(column: "deleted", as: Bool.self))
            }
    }

    func document(id: String, on db: any SQLDatabase) async throws -> Document? {
        try await db.select().column("*").from("documents").where("id", .equal, id).first().map(Self.document)
    }

    /// Inserts a new document (its first version) and its tags.
    func insert(_ document: Document, _ revision: Revision, on db: any SQLDatabase) async throws {
        try await Self.insertDocument.run(db, [
            document.id, document.projectId, document.orgId, document.title, document.body, Self.joined(document.tags),
            document.size, document.version, document.createdBy, document.updatedBy, document.createdAt.millis,
            document.updatedAt.millis, false, Int64?.none,
            revision.change.rawValue, revision.restoredFrom, revision.addedLines, revision.removedLines,
            revision.titleChanged, revision.tagsChanged,
        ])
        try await insertTags(of: document, on: db)
    }

    private static let insertDocument = SQLTemplate(deferrable: true) { db in
        let columns = [
            "id", "project_id", "org_id", "title", "body", "tags", "size", "version", "created_by", "updated_by",
            "created_at", "updated_at", "deleted", "deleted_at",
            "change_kind", "restored_from", "added_lines", "removed_lines", "title_changed", "tags_changed",
        ]
        return SQLTemplate.insert(db, into: "documents", columns: columns).query
    }

    /// Replaces the stored document by `document`, its next version, only if the stored version is still
    /// `expected`: of two writers that read the same version exactly one succeeds. The replaced version moves to
    /// the history first (copied in SQL, so its body never travels). Returns whether anything was written.
    func update(_ document: Document, _ revision: Revision, expected: Int64, on db: any SQLDatabase) async throws -> Bool {
        // Lock the row and check its version before anything is written: on PostgreSQL a concurrent writer
        // of the same version then waits here and finds the new version, instead of colliding on the history
        // row. (SQLite's single writer serializes transactions; FOR UPDATE is left out in its dialect.)
        let current = try await db.select().column("version").from("documents").where("id", .equal, document.id)
            .lockingClause(SQLLockingClause.update).first()
        guard try current?.decode(column: "version", as: Int64.self) == expected else { return false }
        try await db.insert(into: "document_versions")
            .columns(Self.versionColumns.map(\.history) + ["body"])
            .select { select in
                select.columns(Self.versionColumns.map { SQLIdentifier($0.current) })
                    // A body the new version keeps is not copied: the next stored body is the same.
                    .column(revision.bodyChanged ? SQLIdentifier("body") : SQLLiteral.null)
                    .from("documents")
                    .where("id", .equal, document.id).where("version", .equal, expected)
            }
            .run()
        var update = db.update("documents")
            .set("title", to: document.title).set("tags", to: Self.joined(document.tags)).set("size", to: document.size)
            .set("version", to: document.version).set("updated_by", to: document.updatedBy)
            .set("updated_at", to: document.updatedAt.millis)
            .set("deleted", to: document.deletedAt != nil).set("deleted_at", to: document.deletedAt?.millis)
            .set("change_kind", to: revision.change.rawValue).set("restored_from", to: revision.restoredFrom)
            .set("added_lines", to: revision.addedLines).set("removed_lines", to: revision.removedLines)
            .set("title_changed", to: revision.titleChanged).set("tags_changed", to: revision.tagsChanged)
        if revision.bodyChanged { update = update.set("body", to: document.body) }
        return try await update.where("id", .equal, document.id).where("version", .equal, expected)
            .returning("version").first() != nil
    }

    /// Replaces the document's tag rows (after its tags changed).
    func replaceTags(of document: Document, on db: any SQLDatabase) async throws {
        try await db.delete(from: "document_tags").where("document_id", .equal, document.id).run()
        try await insertTags(of: document, on: db)
    }

    /// Copies the document's `deleted` and `updated_at` to its tag rows (after any other change).
    func touchTags(of document: Document, on db: any SQLDatabase) async throws {
        guard !document.tags.isEmpty else { return }
        try await db.update("document_tags")
            .set("deleted", to: document.deletedAt != nil).set("updated_at", to: document.updatedAt.millis)
            .where("document_id", .equal, document.id)
            .run()
    }

    private func insertTags(of document: Document, on db: any SQLDatabase) async throws {
        guard !document.tags.isEmpty else { return }
        let deleted = document.deletedAt != nil
        let updatedAt = document.updatedAt.millis
        try await Self.insertTags.run(db, rows: document.tags.count, document.tags.flatMap { tag -> [any Encodable & Sendable] in
            [document.id, document.projectId, tag, deleted, updatedAt]
        })
    }

    private static let insertTags = SQLTemplate(deferrable: true, rows: { db, rows in
        SQLTemplate.insert(db, into: "document_tags", columns: ["document_id", "project_id", "tag", "deleted", "updated_at"], rows: rows).query
    })

    /// A project's live documents, most recently changed first; up to `limit + 1` rows. Either query walks
    /// one index range in list order: `documents_list_idx`, or `document_tags_list_idx` with a tag.
    func list(_ query: ListQuery, on db: any SQLDatabase) async throws -> [DocumentSummary] {
        let documents = SQLAlias(SQLIdentifier("documents"), as: SQLIdentifier("d"))
        var select = db.select().columns(Self.summaryColumns.map { SQLColumn($0, table: "d") })
        let updatedAt: SQLColumn
        let id: SQLColumn
        if let tag = query.tag {
            select = select.from(SQLAlias(SQLIdentifier("document_tags"), as: SQLIdentifier("t")))
                .join(documents, method: SQLJoinMethod.inner, on: SQLColumn("id", table: "d"), .equal, SQLColumn("document_id", table: "t"))
                .where(SQLColumn("project_id", table: "t"), .equal, SQLBind(query.projectId))
                .where(SQLColumn("tag", table: "t"), .equal, SQLBind(tag))
                .where(SQLColumn("deleted", table: "t"), .equal, SQLBind(false))
            (updatedAt, id) = (SQLColumn("updated_at", table: "t"), SQLColumn("document_id", table: "t"))
        } else {
            select = select.from(documents)
                .where(SQLColumn("project_id", table: "d"), .equal, SQLBind(query.projectId))
                .where(SQLColumn("deleted", table: "d"), .equal, SQLBind(false))
            (updatedAt, id) = (SQLColumn("updated_at", table: "d"), SQLColumn("id", table: "d"))
        }
        if let since = query.updatedSince {
            select = select.where(updatedAt, .greaterThanOrEqual, SQLBind(since.millis))
        }
        if let after = query.page.after, after.count == 2, let millis = Int64(after[0]) {
            // The redundant `<=` bounds the index range; the OR alone would make the scan start at the top.
            select = select.where(updatedAt, .lessThanOrEqual, SQLBind(millis)).where {
                $0.where(updatedAt, .lessThan, SQLBind(millis)).orWhere(id, .lessThan, SQLBind(after[1]))
            }
        }
        return try await select
            .orderBy(updatedAt, SQLDirection.descending).orderBy(id, SQLDirection.descending)
            .limit(query.page.limit + 1)
            .all().map(Self.summary)
    }

    // MARK: Rows

    /// Tags cannot contain commas (see `Tags`), so a comma-joined string stores them unambiguously.
    static func joined(_ tags: [String]) -> String { tags.joined(separator: ",") }

    static func tags(_ joined: String) -> [String] {
        joined.isEmpty ? [] : joined.split(separator: ",").map(String.init)
    }

    static func document(_ row: any SQLRow) throws -> Document {
        Document(
            id: try row.string("id"), projectId: try row.string("project_id"), orgId: try row.string("org_id"),
            title: try row.string("title"), body: try row.string("body"), tags: tags(try row.string("tags")),
            version: try row.decode(column: "version", as: Int64.self), createdBy: try row.string("created_by"),
            updatedBy: try row.string("updated_by"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"), deletedAt: try row.optionalDate("deleted_at"))
    }

    static func summary(_ row: any SQLRow) throws -> DocumentSummary {
        DocumentSummary(
            id: try row.string("id"), projectId: try row.string("project_id"), title: try row.string("title"),
            tags: tags(try row.string("tags")), version: try row.decode(column: "version", as: Int64.self),
            size: try row.decode(column: "size", as: Int.self), createdBy: try row.string("created_by"),
            updatedBy: try row.string("updated_by"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"))
    }
}
