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
    }
}
