import AcmeCore
import AcmeDatabase
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension DocumentStore {
    /// What a new version records besides the document's content.
    struct Revision: Sendable, Equatable {
        var change: DocumentVersionSummary.Change
        var restoredFrom: Int64? = nil
        var addedLines = 0
        var removedLines = 0
        var titleChanged = false
        var tagsChanged = false
        /// Whether the body differs from the previous version's; only then does the history keep the previous
        /// version's body.
        var bodyChanged = false
    }

    /// A version's columns as `document_versions` names them, and as `documents` names them for its current
    /// version.
    static let versionColumns: [(history: String, current: String)] = [
        ("document_id", "id"), ("version", "version"), ("change_kind", "change_kind"), ("restored_from", "restored_from"),
        ("title", "title"), ("tags", "tags"), ("size", "size"), ("author_id", "updated_by"), ("created_at", "updated_at"),
        ("added_lines", "added_lines"), ("removed_lines", "removed_lines"), ("title_changed", "title_changed"),
        ("tags_changed", "tags_changed"),
    ]

    /// The current version's columns from `documents`, under their `document_versions` names.
    private func currentVersionQuery(documentId: String, on db: any SQLDatabase) -> SQLSelectBuilder {
        var select = db.select()
        for column in Self.versionColumns { select = select.column(SQLIdentifier(column.current), as: column.history) }
        return select.from("documents").where("id", .equal, documentId)
    }

    /// The document's facts and its current version, as the history lists it.
    func currentVersion(documentId: String, on db: any SQLDatabase) async throws -> (Facts, DocumentVersionSummary)? {
        try await currentVersionQuery(documentId: documentId, on: db).columns("project_id", "org_id", "deleted").first().map { row in
            let facts = Facts(
                id: documentId, projectId: try row.string("project_id"), orgId: try row.string("org_id"),
                deleted: try row.decode(column: "deleted", as: Bool.self))
            return (facts, try Self.versionSummary(row))
        }
    }

    /// The versions before `version`, newest first, without bodies; at most `limit`.
    func pastVersions(documentId: String, before version: Int64, limit: Int, on db: any SQLDatabase) async throws -> [DocumentVersionSummary] {
        guard limit > 0 else { return [] }
        return try await db.select().columns(Self.versionColumns.map { SQLIdentifier($0.history) }).from("document_versions")
            .where("document_id", .equal, documentId).where("version", .lessThan, version)
            .orderBy("version", .descending).limit(limit)
            .all().map(Self.versionSummary)
    }

    /// Version `number` of a document with its body, or nil if the document has no such version.
    func version(documentId: String, number: Int64, on db: any SQLDatabase) async throws -> DocumentVersion? {
        guard let row = try await db.select().column("*").from("document_versions")
            .where("document_id", .equal, documentId).where("version", .equal, number).first()
        else {
            return try await currentVersionQuery(documentId: documentId, on: db).column("body")
                .where("version", .equal, number).first()
                .map { row in DocumentVersion(try Self.versionSummary(row), body: try row.string("body")) }
        }
        let summary = try Self.versionSummary(row)
        if let body = try row.optionalString("body") { return DocumentVersion(summary, body: body) }
        // The next versions kept this body: it is the first one stored after this version, or the current one.
        if let later = try await db.select().column("body").from("document_versions")
            .where("document_id", .equal, documentId).where("version", .greaterThan, number)
            .where("body", .isNot, SQLLiteral.null)
            .orderBy("version").limit(1).first()
        {
            return DocumentVersion(summary, body: try later.string("body"))
        }
        guard let current = try await db.select().column("body").from("documents").where("id", .equal, documentId).first() else {
            throw DecodingError.valueNotFound(String.self, .init(codingPath: [], debugDescription: "No body for version \(number) of \(documentId)"))
        }
        return DocumentVersion(summary, body: try current.string("body"))
    }

    static func versionSummary(_ row: any SQLRow) throws -> DocumentVersionSummary {
        DocumentVersionSummary(
            documentId: try row.string("document_id"), version: try row.decode(column: "version", as: Int64.self),
            change: try row.value("change_kind", as: DocumentVersionSummary.Change.self),
            restoredFrom: try row.decode(column: "restored_from", as: Int64?.self), title: try row.string("title"),
            tags: tags(try row.string("tags")), size: try row.decode(column: "size", as: Int.self),
            authorId: try row.string("author_id"), createdAt: try row.date("created_at"),
            addedLines: try row.decode(column: "added_lines", as: Int.self),
            removedLines: try row.decode(column: "removed_lines", as: Int.self),
            titleChanged: try row.decode(column: "title_changed", as: Bool.self),
            tagsChanged: try row.decode(column: "tags_changed", as: Bool.self))
    }
}
