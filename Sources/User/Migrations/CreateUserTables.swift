import AcmeDatabase
import SQLKit

struct CreateUserTables: Migration {
    let name = "CreateUserTables"

    func prepare(on db: any SQLDatabase) async throws {
        try await db.create(table: "users")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("email", type: .text, .notNull, .unique)
            .column("name", type: .text, .notNull)
            .column("avatar_url", type: .text)
            .column("time_zone", type: .text)
            .column("version", type: .bigint, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
        try await db.create(table: "orgs")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("name", type: .text, .notNull)
            .column("slug", type: .text, .notNull, .unique)
            .column("region", type: .text, .notNull)
            .column("version", type: .bigint, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
        try await db.create(table: "memberships")
            .column("org_id", type: .text, .notNull, .references("orgs", "id", onDelete: .cascade))
            .column("user_id", type: .text, .notNull, .references("users", "id", onDelete: .cascade))
            .column("role", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .primaryKey("org_id", "user_id")
            .run()
        try await db.create(index: "memberships_user_idx").on("memberships").column("user_id").column("org_id").run()
        try await db.create(table: "invitations")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("org_id", type: .text, .notNull, .references("orgs", "id", onDelete: .cascade))
            .column("email", type: .text, .notNull)
            .column("role", type: .text, .notNull)
            .column("token_hash", type: .text, .notNull, .unique)
            .column("invited_by", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .column("accepted_at", type: .bigint)
            .column("accepted_by", type: .text)
            .column("revoked_at", type: .bigint)
            .run()
        try await db.create(index: "invitations_org_idx").on("invitations").column("org_id").column("id").run()
    }
}

/// Ids of deleted users: a replayed `account.created` must not bring a deleted profile back.
struct CreateDeletedUsersTable: Migration {
    let name = "CreateDeletedUsersTable"

    func prepare(on db: any SQLDatabase) async throws {
        try await db.create(table: "deleted_users")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("deleted_at", type: .bigint, .notNull)
            .run()
    }
}
