import AcmeDatabase
import SQLKit

struct CreateProjectTables: Migration {
    let name = "CreateProjectTables"

    func prepare(on db: any SQLDatabase) async throws {
        try await db.create(table: "projects")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("org_id", type: .text, .notNull)
            .column("name", type: .text, .notNull)
            // Lowercased by Swift, so sorting and cursors agree on every backend (SQLite's lower() is ASCII-only).
            .column("sort_name", type: .text, .notNull)
            .column("project_key", type: .text, .notNull)
            .column("description", type: .text)
            .column("visibility", type: .text, .notNull)
            .column("archived", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("created_by", type: .text, .notNull)
            .column("version", type: .bigint, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .unique("org_id", "project_key")
            .run()
        try await db.create(index: "projects_org_name_idx").on("projects").column("org_id").column("sort_name").column("id").run()
        try await db.create(index: "projects_org_created_idx").on("projects").column("org_id").column("created_at").run()
        try await db.create(table: "project_members")
            .column("project_id", type: .text, .notNull, .references("projects", "id", onDelete: .cascade))
            .column("user_id", type: .text, .notNull)
            .column("role", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .primaryKey("project_id", "user_id")
            .run()
        try await db.create(index: "project_members_user_idx").on("project_members").column("user_id").run()
        try await db.create(table: "project_settings")
            .column("project_id", type: .text, .primaryKey(autoIncrement: false), .references("projects", "id", onDelete: .cascade))
            .column("document", type: .text, .notNull)
            .column("version", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
        // Read model of users (from acme.users.events): display names without asking the User service.
        try await db.create(table: "user_directory")
            .column("user_id", type: .text, .primaryKey(autoIncrement: false))
            .column("email", type: .text)
            .column("name", type: .text)
            .column("version", type: .bigint, .notNull)
            .column("deleted", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .run()
    }
}

/// `name_match(name, q)` for fuzzy project-name search. SQLite has it built in (`SQLiteDatabasePool`);
/// on PostgreSQL it is defined over pg_trgm, with a trigram GIN index on the names.
struct CreateProjectNameSearch: Migration {
    let name = "CreateProjectNameSearch"

    func prepare(on db: any SQLDatabase) async throws {
        guard db.isPostgres else { return }
        // In public, where every schema of the database finds it (tests give each run its own schema).
        try await db.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public").run()
        try await db.raw("""
            CREATE OR REPLACE FUNCTION name_match(name text, q text) RETURNS double precision
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT GREATEST(similarity(name, q), word_similarity(q, name))::double precision'
            """).run()
        try await db.raw("CREATE INDEX projects_name_trgm_idx ON projects USING gin (name gin_trgm_ops)").run()
    }
}
