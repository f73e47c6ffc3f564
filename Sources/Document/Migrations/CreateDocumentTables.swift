import AcmeDatabase
import SQLKit

struct CreateDocumentTables: Migration {
    let name = "CreateDocumentTables"

    func prepare(on db: any SQLDatabase) async throws {
        try await db.create(table: "documents")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("project_id", type: .text, .notNull)
            .column("org_id", type: .text, .notNull)
            .column("title", type: .text, .notNull)
            .column("body", type: .text, .notNull)
            // Tags joined by commas (tags cannot contain one), so a document and a list page need no second
            // query; `document_tags` holds the same tags for filtering.
            .column("tags", type: .text, .notNull)
            .column("size", type: .bigint, .notNull)
            .column("version", type: .bigint, .notNull)
            .column("created_by", type: .text, .notNull)
            .column("updated_by", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .column("deleted", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("deleted_at", type: .bigint)
            // The current version's history entry; `document_versions` receives it when the version is replaced.
            .column("change_kind", type: .text, .notNull)
            .column("restored_from", type: .bigint)
            .column("added_lines", type: .bigint, .notNull)
            .column("removed_lines", type: .bigint, .notNull)
            .column("title_changed", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("tags_changed", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .run()
        // The list: one project's live documents, newest change first, keyset-paginated on (updated_at, id).
        try await db.create(index: "documents_list_idx").on("documents")
            .column("project_id").column("deleted").column("updated_at").column("id").run()

        // A tag row repeats its document's `deleted` and `updated_at`, so a tag-filtered page is one range of
        // this index in list order, however many documents the project has.
        try await db.create(table: "document_tags")
            .column("document_id", type: .text, .notNull, .references("documents", "id", onDelete: .cascade))
            .column("project_id", type: .text, .notNull)
            .column("tag", type: .text, .notNull)
            .column("deleted", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .primaryKey("document_id", "tag")
            .run()
        try await db.create(index: "document_tags_list_idx").on("document_tags")
            .column("project_id").column("tag").column("deleted").column("updated_at").column("document_id").run()

        // The versions a document had before its current one (which lives in `documents`), each stored once,
        // when it is replaced. `body` is NULL when the next version kept the same body (title or tag edits,
        // deletion, restore), so such changes copy no large bodies.
        try await db.create(table: "document_versions")
            .column("document_id", type: .text, .notNull, .references("documents", "id", onDelete: .cascade))
            .column("version", type: .bigint, .notNull)
            .column("change_kind", type: .text, .notNull)
            .column("restored_from", type: .bigint)
            .column("title", type: .text, .notNull)
            .column("body", type: .text)
            .column("tags", type: .text, .notNull)
            .column("size", type: .bigint, .notNull)
            .column("author_id", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("added_lines", type: .bigint, .notNull)
            .column("removed_lines", type: .bigint, .notNull)
            .column("title_changed", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("tags_changed", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .primaryKey("document_id", "version")
            .run()

        // `seq` orders comments by insertion (oldest first) even when timestamps tie.
        try await db.create(table: "comments")
            .column("seq", type: .int, .primaryKey(autoIncrement: true))
            .column("id", type: .text, .notNull, .unique)
            .column("document_id", type: .text, .notNull, .references("documents", "id", onDelete: .cascade))
            .column("project_id", type: .text, .notNull)
            .column("author_id", type: .text, .notNull)
            .column("body", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
        try await db.create(index: "comments_document_idx").on("comments").column("document_id").column("seq").run()
    }
}
