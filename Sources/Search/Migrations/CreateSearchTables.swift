import AcmeDatabase
import SQLKit

/// The index tables. `search_entries` and its text index differ by engine: on SQLite an external-content FTS5
/// table kept in step by triggers (since ``ContentlessSearchText``: a contentless one), with prefix indexes for two- and three-letter
/// stems and an `fts5vocab` view of its terms for the typo-tolerant retry; on PostgreSQL a weighted `tsvector`
/// column with a GIN index, and a table of indexed words for the same retry.
///
/// In `search_entries` the small columns come first: the filters read them for every candidate row, and a
/// column stored after a long body would mean reading the body's overflow pages too.
struct CreateSearchTables: Migration {
    let name = "CreateSearchTables"

    func prepare(on db: any SQLDatabase) async throws {
        if db.isPostgres {
            try await db.raw("""
                CREATE TABLE search_entries (
                    rid bigserial PRIMARY KEY, entry_key text NOT NULL UNIQUE, kind text NOT NULL, id text NOT NULL,
                    org_id text NOT NULL, project_id text, author text, updated_at bigint NOT NULL, version bigint NOT NULL,
                    live integer NOT NULL, title text NOT NULL, body text NOT NULL, tsv tsvector NOT NULL DEFAULT ''::tsvector)
                """).run()
            try await db.raw("CREATE INDEX search_entries_tsv_idx ON search_entries USING gin (tsv)").run()
            // Byte order, so a first-letter range scan uses the index whatever the database's collation.
            try await db.raw(#"CREATE TABLE search_terms (term text COLLATE "C" PRIMARY KEY)"#).run()
        } else {
            try await db.raw("""
                CREATE TABLE search_entries (
                    rid INTEGER PRIMARY KEY, entry_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, id TEXT NOT NULL,
                    org_id TEXT NOT NULL, project_id TEXT, author TEXT, updated_at INTEGER NOT NULL, version INTEGER NOT NULL,
                    live INTEGER NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL)
                """).run()
            try await db.raw("""
                CREATE VIRTUAL TABLE search_fts USING fts5(
                    title, body, content='search_entries', content_rowid='rid',
                    tokenize='unicode61 remove_diacritics 2', prefix='2 3')
                """).run()
            try await db.raw("CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row')").run()
            try await db.raw("""
                CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
                    INSERT INTO search_fts(rowid, title, body) VALUES (new.rid, new.title, new.body);
                END
                """).run()
            try await db.raw("""
                CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
                    INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.rid, old.title, old.body);
                END
                """).run()
            try await db.raw("""
                CREATE TRIGGER search_entries_au AFTER UPDATE OF title, body ON search_entries BEGIN
                    INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.rid, old.title, old.body);
                    INSERT INTO search_fts(rowid, title, body) VALUES (new.rid, new.title, new.body);
                END
                """).run()
        }
        try await db.raw("CREATE INDEX search_entries_org_idx ON search_entries (org_id, kind)").run()
        try await db.raw("CREATE INDEX search_entries_user_idx ON search_entries (id)").run()

        try await db.create(table: "search_tags")
            .column("entry_key", type: .text, .notNull).column("tag", type: .text, .notNull)
            .primaryKey("entry_key", "tag").run()
        try await db.raw("CREATE INDEX search_tags_tag_idx ON search_tags (tag)").run()
        try await db.create(table: "search_projects")
            .column("project_id", type: .text, .primaryKey(autoIncrement: false))
            .column("org_id", type: .text, .notNull).column("project_key", type: .text, .notNull)
            .column("visibility", type: .text, .notNull).column("live", type: .int, .notNull)
            .column("version", type: .bigint, .notNull).run()
        try await db.raw("CREATE INDEX search_projects_org_idx ON search_projects (org_id)").run()
        try await db.create(table: "search_project_members")
            .column("project_id", type: .text, .notNull).column("user_id", type: .text, .notNull)
            .primaryKey("project_id", "user_id").run()
        try await db.raw("CREATE INDEX search_project_members_user_idx ON search_project_members (user_id)").run()
        try await db.create(table: "search_users")
            .column("user_id", type: .text, .primaryKey(autoIncrement: false))
            .column("name", type: .text, .notNull).column("email", type: .text, .notNull)
            .column("live", type: .int, .notNull).column("version", type: .bigint, .notNull).run()
        try await db.create(table: "search_orgs")
            .column("org_id", type: .text, .primaryKey(autoIncrement: false))
            .column("version", type: .bigint, .notNull).run()
    }
}
