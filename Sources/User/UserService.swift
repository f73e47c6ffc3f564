import AcmeCore
import AcmeDatabase
import AcmeEvents
import Hummingbird
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The User service: profiles, organizations (tenants), memberships and invitations.
///
/// Routes call its methods with the caller's `Principal`; it checks permissions itself (never trusting
/// that a gateway did) and writes every change together with its events through the outbox.
public struct UserService: UserAPI {
    public static let migrations: [any Migration] = [
        CreateUserTables(), Outbox.migration, ProcessedEvents.migration, CreateDeletedUsersTable(),
    ]
    static let invitationLifetime: TimeInterval = 7 * 24 * 3600

    let outbox: Outbox
    let store = UserStore()
    /// Recently read profiles: the hottest read of the API (`GET /v1/users/me`, and every service asking
    /// for a user). Entries only move forward in version, so a slow read never overwrites a newer write.
    let profiles = ExpiringCache<String, UserProfile>(lifetime: 10, capacity: 50_000)
    /// Roles by "org/user" (nil: not a member), asked by every org-scoped request of every service.
    /// Membership changes in this process update it at once.
    let roles = ExpiringCache<String, OrgRole?>(lifetime: 5, capacity: 100_000)
    let clock: any WallClock
    let logger: Logger

    public init(outbox: Outbox, clock: any WallClock, logger: Logger) {
        self.outbox = outbox
        self.clock = clock
        self.logger = logger
    }

    var database: any Database { outbox.database }

    /// Adds the service's REST routes under `/v1`.
    public func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        ProfileRoutes(service: self).addRoutes(to: router)
        OrgRoutes(service: self).addRoutes(to: router)
        MemberRoutes(service: self).addRoutes(to: router)
        InvitationRoutes(service: self).addRoutes(to: router)
    }

    // MARK: UserAPI

    public func provisionUser(id: String, email: String, name: String, request: RequestInfo) async throws -> UserProfile {
        if let existing = try await user(id: id) { return existing }
        let created: UserProfile
        do {
            created = try await insertProfile(id: id, email: email, name: name, request: request)
        } catch AcmeError.conflict {
            // The account.created consumer (or a retry) provisioned it concurrently: the same profile.
            guard let existing = try await database.read({ db in try await store.user(id: id, on: db) }) else {
                throw AcmeError.conflict("The e-mail address is taken.")
            }
            return existing
        }
        return created
    }

    private func insertProfile(id: String, email: String, name: String, request: RequestInfo) async throws -> UserProfile {
        let profile = try await outbox.transaction { db, events in
            if let existing = try await store.user(id: id, on: db) { return existing }
            // A late or replayed account.created for a deleted account must not bring the profile back.
            if try await store.wasDeleted(id: id, on: db) { throw AcmeError.gone("The user was deleted.") }
            let profile = UserProfile(
                id: id, email: email, name: name, avatarUrl: nil, timeZone: nil, createdAt: events.now,
                updatedAt: events.now, version: 1)
            try await store.insert(profile, on: db)
            try await events.emit(
                UserCreated(userId: id, email: email, name: name), subject: id, subjectVersion: 1, orgId: nil, actor: id,
                request: request)
            return profile
        }
        profiles.store(profile, for: profile.id, now: clock.now()) { $0.version <= profile.version }
        return profile
    }

    public func user(id: String) async throws -> UserProfile? {
        let now = clock.now()
        if let cached = profiles.value(for: id, now: now) { return cached }
        let profile = try await database.read { db in try await store.user(id: id, on: db) }
        if let profile { profiles.store(profile, for: id, now: now) { $0.version <= profile.version } }
        return profile
    }

    public func role(of userId: String, in orgId: String) async throws -> OrgRole? {
        let key = orgId + "/" + userId
        let now = clock.now()
        if let cached = roles.value(for: key, now: now) { return cached }
        let role = try await database.read { db in try await store.role(of: userId, in: orgId, on: db) }
        roles.store(role, for: key, now: now)
        return role
    }

    /// Drops cached roles after a membership change (of one member, or of everyone in an org or of a user).
    func forgetRoles(orgId: String? = nil, userId: String? = nil) {
        roles.removeAll { key, _ in
            let parts = key.split(separator: "/")
            return (orgId == nil || parts.first.map(String.init) == orgId) && (userId == nil || parts.last.map(String.init) == userId)
        }
    }

    public func deleteUser(id: String, request: RequestInfo) async throws {
        try await outbox.transaction { db, events in
            guard let profile = try await store.user(id: id, on: db) else { return }
            let blocking = try await store.soleOwnerships(of: id, on: db)
            guard blocking.isEmpty else {
                throw AcmeError.conflict(
                    "You are the only owner of \(blocking.count) organization(s) (\(blocking.joined(separator: ", "))); transfer ownership or delete them first.")
            }
            try await store.deleteUser(id: id, at: events.now, on: db)
            try await events.emit(
                UserProfileDeleted(userId: id), subject: id, subjectVersion: profile.version + 1, orgId: nil, actor: id,
                request: request)
        }
        profiles.remove(id)
        forgetRoles(userId: id)
    }
}
