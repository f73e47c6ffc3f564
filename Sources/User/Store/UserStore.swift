import AcmeCore
import AcmeDatabase
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The User service's queries: profiles and organizations. Dialect-neutral SQLKit; every function takes
/// the connection so it composes inside an outbox transaction.
struct UserStore: Sendable {
    // MARK: Profiles

    func user(id: String, on db: any SQLDatabase) async throws -> UserProfile? {
        try await db.select().column("*").from("users").where("id", .equal, id).first().map(Self.profile)
    }

    func user(email: String, on db: any SQLDatabase) async throws -> UserProfile? {
        try await db.select().column("*").from("users").where("email", .equal, email).first().map(Self.profile)
    }

    func insert(_ user: UserProfile, on db: any SQLDatabase) async throws {
        try await db.insert(into: "users")
            .columns("id", "email", "name", "avatar_url", "time_zone", "version", "created_at", "updated_at")
            .values(
                SQLBind(user.id), SQLBind(user.email), SQLBind(user.name), SQLBind(user.avatarUrl),
                SQLBind(user.timeZone), SQLBind(user.version), SQLBind(user.createdAt.millis),
                SQLBind(user.updatedAt.millis))
            .run()
    }

    func update(_ user: UserProfile, on db: any SQLDatabase) async throws {
        try await db.update("users")
            .set("name", to: user.name).set("avatar_url", to: user.avatarUrl).set("time_zone", to: user.timeZone)
            .set("version", to: user.version).set("updated_at", to: user.updatedAt.millis)
            .where("id", .equal, user.id)
            .run()
    }

    /// Deletes the profile and memberships and keeps a tombstone of the id.
    func deleteUser(id: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.delete(from: "memberships").where("user_id", .equal, id).run()
        try await db.delete(from: "users").where("id", .equal, id).run()
        try await db.insert(into: "deleted_users").columns("id", "deleted_at").values(SQLBind(id), SQLBind(date.millis))
            .ignoringConflicts(with: ["id"]).run()
    }

    func wasDeleted(id: String, on db: any SQLDatabase) async throws -> Bool {
        try await db.select().column("id").from("deleted_users").where("id", .equal, id).first() != nil
    }

    static func profile(_ row: any SQLRow) throws -> UserProfile {
        UserProfile(
            id: try row.string("id"), email: try row.string("email"), name: try row.string("name"),
            avatarUrl: try row.optionalString("avatar_url"), timeZone: try row.optionalString("time_zone"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
            version: try row.decode(column: "version", as: Int64.self))
    }

    // MARK: Organizations

    func org(id: String, on db: any SQLDatabase) async throws -> Organization? {
        try await db.select().column("*").from("orgs").where("id", .equal, id).first().map(Self.org)
    }

    func insert(_ org: Organization, on db: any SQLDatabase) async throws {
        try await db.insert(into: "orgs")
            .columns("id", "name", "slug", "region", "version", "created_at", "updated_at")
            .values(
                SQLBind(org.id), SQLBind(org.name), SQLBind(org.slug), SQLBind(org.region.rawValue),
                SQLBind(org.version), SQLBind(org.createdAt.millis), SQLBind(org.updatedAt.millis))
            .run()
    }

    func update(_ org: Organization, on db: any SQLDatabase) async throws {
        try await db.update("orgs")
            .set("name", to: org.name).set("slug", to: org.slug).set("version", to: org.version)
            .set("updated_at", to: org.updatedAt.millis)
            .where("id", .equal, org.id)
            .run()
    }

    func deleteOrg(id: String, on db: any SQLDatabase) async throws {
        try await db.delete(from: "invitations").where("org_id", .equal, id).run()
        try await db.delete(from: "memberships").where("org_id", .equal, id).run()
        try await db.delete(from: "orgs").where("id", .equal, id).run()
    }

    /// The caller's orgs, ordered by org id (time-ordered), after the cursor.
    func orgs(of userId: String, page: PageRequest, on db: any SQLDatabase) async throws -> [OrganizationView] {
        var query = db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("o"))).column(SQLColumn("role", table: "m"))
            .from(SQLAlias(SQLIdentifier("orgs"), as: SQLIdentifier("o")))
            .join(SQLAlias(SQLIdentifier("memberships"), as: SQLIdentifier("m")), on: SQLColumn("org_id", table: "m"), .equal, SQLColumn("id", table: "o"))
            .where(SQLColumn("user_id", table: "m"), .equal, SQLBind(userId))
        if let after = page.after?.first {
            query = query.where(SQLColumn("id", table: "o"), .greaterThan, SQLBind(after))
        }
        return try await query.orderBy(SQLColumn("id", table: "o")).limit(page.limit + 1).all().map { row in
            OrganizationView(try Self.org(row), role: try row.value("role", as: OrgRole.self))
        }
    }

    static func org(_ row: any SQLRow) throws -> Organization {
        Organization(
            id: try row.string("id"), name: try row.string("name"), slug: try row.string("slug"),
            region: try row.value("region", as: Region.self), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"), version: try row.decode(column: "version", as: Int64.self))
    }

    // MARK: Memberships

    func role(of userId: String, in orgId: String, on db: any SQLDatabase) async throws -> OrgRole? {
        try await db.select().column("role").from("memberships")
            .where("org_id", .equal, orgId).where("user_id", .equal, userId)
            .first()
            .map { try $0.value("role", as: OrgRole.self) }
    }

    func addMember(orgId: String, userId: String, role: OrgRole, at date: Date, on db: any SQLDatabase) async throws {
        try await db.insert(into: "memberships")
            .columns("org_id", "user_id", "role", "created_at")
            .values(SQLBind(orgId), SQLBind(userId), SQLBind(role.rawValue), SQLBind(date.millis))
            .run()
    }

    func setRole(_ role: OrgRole, orgId: String, userId: String, on db: any SQLDatabase) async throws {
        try await db.update("memberships").set("role", to: role.rawValue)
            .where("org_id", .equal, orgId).where("user_id", .equal, userId)
            .run()
    }

    func removeMember(orgId: String, userId: String, on db: any SQLDatabase) async throws {
        try await db.delete(from: "memberships").where("org_id", .equal, orgId).where("user_id", .equal, userId).run()
    }

    func ownerCount(orgId: String, on db: any SQLDatabase) async throws -> Int {
        try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("memberships")
            .where("org_id", .equal, orgId).where("role", .equal, OrgRole.owner.rawValue)
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Orgs where this user is the only owner (they block deleting the account).
    func soleOwnerships(of userId: String, on db: any SQLDatabase) async throws -> [String] {
        try await db.raw("""
            SELECT m.org_id AS org_id FROM memberships m
            WHERE m.user_id = \(bind: userId) AND m.role = 'owner'
              AND (SELECT COUNT(*) FROM memberships o WHERE o.org_id = m.org_id AND o.role = 'owner') = 1
            """).all().map { try $0.string("org_id") }
    }

    /// Membership changes are changes of the org: they advance its version so events about it stay ordered.
    func bumpVersion(orgId: String, at date: Date, on db: any SQLDatabase) async throws -> Int64 {
        try await db.update("orgs").set("version", to: SQLRaw("version + 1")).set("updated_at", to: date.millis)
            .where("id", .equal, orgId).run()
        return try await db.select().column("version").from("orgs").where("id", .equal, orgId)
            .first()?.decode(column: "version", as: Int64.self) ?? 0
    }

    func member(orgId: String, userId: String, on db: any SQLDatabase) async throws -> Member? {
        try await memberQuery(orgId: orgId, on: db).where(SQLColumn("user_id", table: "m"), .equal, SQLBind(userId))
            .first().map(Self.member)
    }

    func members(orgId: String, page: PageRequest, on db: any SQLDatabase) async throws -> [Member] {
        var query = memberQuery(orgId: orgId, on: db)
        if let after = page.after?.first {
            query = query.where(SQLColumn("user_id", table: "m"), .greaterThan, SQLBind(after))
        }
        return try await query.orderBy(SQLColumn("user_id", table: "m")).limit(page.limit + 1).all().map(Self.member)
    }

    private func memberQuery(orgId: String, on db: any SQLDatabase) -> SQLSelectBuilder {
        db.select()
            .column(SQLColumn("user_id", table: "m")).column(SQLColumn("role", table: "m"))
            .column(SQLColumn("created_at", table: "m")).column(SQLColumn("email", table: "u"))
            .column(SQLColumn("name", table: "u"))
            .from(SQLAlias(SQLIdentifier("memberships"), as: SQLIdentifier("m")))
            .join(SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("u")), on: SQLColumn("id", table: "u"), .equal, SQLColumn("user_id", table: "m"))
            .where(SQLColumn("org_id", table: "m"), .equal, SQLBind(orgId))
    }

    static func member(_ row: any SQLRow) throws -> Member {
        Member(
            userId: try row.string("user_id"), email: try row.string("email"), name: try row.string("name"),
            role: try row.value("role", as: OrgRole.self), joinedAt: try row.date("created_at"))
    }

    // MARK: Invitations

    func insert(_ invitation: Invitation, tokenHash: String, on db: any SQLDatabase) async throws {
        try await db.insert(into: "invitations")
            .columns("id", "org_id", "email", "role", "token_hash", "invited_by", "created_at", "expires_at")
            .values(
                SQLBind(invitation.id), SQLBind(invitation.orgId), SQLBind(invitation.email),
                SQLBind(invitation.role.rawValue), SQLBind(tokenHash), SQLBind(invitation.invitedBy),
                SQLBind(invitation.createdAt.millis), SQLBind(invitation.expiresAt.millis))
            .run()
    }

    func invitation(id: String, orgId: String, now: Date, on db: any SQLDatabase) async throws -> Invitation? {
        try await db.select().column("*").from("invitations").where("id", .equal, id).where("org_id", .equal, orgId)
            .first().map { try Self.invitation($0, now: now) }
    }

    func invitation(tokenHash: String, now: Date, on db: any SQLDatabase) async throws -> Invitation? {
        try await db.select().column("*").from("invitations").where("token_hash", .equal, tokenHash)
            .first().map { try Self.invitation($0, now: now) }
    }

    /// Pending invitations of the org with this address (one open invitation per address).
    func pendingInvitation(orgId: String, email: String, now: Date, on db: any SQLDatabase) async throws -> Invitation? {
        try await db.select().column("*").from("invitations")
            .where("org_id", .equal, orgId).where("email", .equal, email)
            .where("accepted_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
            .where("expires_at", .greaterThan, now.millis)
            .first().map { try Self.invitation($0, now: now) }
    }

    func invitations(orgId: String, page: PageRequest, now: Date, on db: any SQLDatabase) async throws -> [Invitation] {
        var query = db.select().column("*").from("invitations").where("org_id", .equal, orgId)
        if let after = page.after?.first { query = query.where("id", .greaterThan, after) }
        return try await query.orderBy("id").limit(page.limit + 1).all().map { try Self.invitation($0, now: now) }
    }

    func markAccepted(invitationId: String, by userId: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.update("invitations").set("accepted_at", to: date.millis).set("accepted_by", to: userId)
            .where("id", .equal, invitationId).run()
    }

    func markRevoked(invitationId: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.update("invitations").set("revoked_at", to: date.millis).where("id", .equal, invitationId).run()
    }

    static func invitation(_ row: any SQLRow, now: Date) throws -> Invitation {
        let expiresAt = try row.date("expires_at")
        let status: Invitation.Status =
            if try row.optionalDate("accepted_at") != nil { .accepted }
            else if try row.optionalDate("revoked_at") != nil { .revoked }
            else if expiresAt <= now { .expired }
            else { .pending }
        return Invitation(
            id: try row.string("id"), orgId: try row.string("org_id"), email: try row.string("email"),
            role: try row.value("role", as: OrgRole.self), status: status, invitedBy: try row.string("invited_by"),
            createdAt: try row.date("created_at"), expiresAt: expiresAt)
    }
}
