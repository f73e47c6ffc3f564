import AcmeDatabase
import SQLKit

/// The version of the last change applied to each org and project membership, by "org/user" or "project/user"
/// key. Memberships were versioned with their org or project, so a newer change to one member (or a project's member
/// change before its creation) made every older event of the subject a no-op: a reindex replaying the log while the
/// live consumer ran lost other members and hid projects.
struct MembershipVersions: Migration {
    let name = "MembershipVersions"

    func prepare(on db: any SQLDatabase) async throws {
        try await db.create(table: "search_membership_versions")
            .column("membership", type: .text, .primaryKey(autoIncrement: false))
            .column("version", type: .bigint, .notNull)
            .run()
        try await Self.seed(on: db)
    }

    /// Records the versions of the memberships indexed so far.
    static func seed(on db: any SQLDatabase) async throws {
        // Memberships indexed so far: an org member's entry carries the version of its membership, and a project's
        // version was at least that of its last member change. (A reindex rebuilds removed memberships' versions too.)
        try await db.raw("""
            INSERT INTO search_membership_versions (membership, version)
            SELECT org_id || '/' || id, version FROM search_entries WHERE kind = 'user'
            """).run()
        try await db.raw("""
            INSERT INTO search_membership_versions (membership, version)
            SELECT m.project_id || '/' || m.user_id, p.version
            FROM search_project_members m JOIN search_projects p ON p.project_id = m.project_id
            """).run()
    }
}
