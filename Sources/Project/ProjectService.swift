import AcmeCore
import AcmeDatabase
import AcmeEvents
import Hummingbird
import Logging
import User

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Project service: projects inside an org, their members and settings.
///
/// Org membership comes from the User service (`UserAPI`); display names from its events, kept in a local
/// read model. Every change is written with its events through the outbox.
public struct ProjectService: ProjectAPI {
    public static let migrations: [any Migration] = [
        CreateProjectTables(), Outbox.migration, IdempotencyKey.migration, CreateProjectNameSearch(),
    ]

    /// A project with its settings, as access checks need them.
    struct Facts: Sendable {
        var project: Project
        var settings: ProjectSettings
    }

    let outbox: Outbox
    let users: any UserAPI
    let store = ProjectStore()
    let clock: any WallClock
    let logger: Logger
    /// Projects by id (nil: no such project). Changes in this process replace entries at once.
    let facts = ExpiringCache<String, Facts?>(lifetime: 5, capacity: 50_000)
    /// Project roles by "project/user" (nil: not a member).
    let memberRoles = ExpiringCache<String, ProjectRole?>(lifetime: 5, capacity: 100_000)

    public init(outbox: Outbox, users: any UserAPI, clock: any WallClock, logger: Logger) {
        self.outbox = outbox
        self.users = users
        self.clock = clock
        self.logger = logger
    }

    var database: any Database { outbox.database }

    public func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        ProjectRoutes(service: self).addRoutes(to: router)
        ProjectMemberRoutes(service: self).addRoutes(to: router)
        ProjectSettingsRoutes(service: self).addRoutes(to: router)
    }

    /// The service's event consumers, to run beside the HTTP server.
    public func consumers(bus: any EventBus) -> [EventConsumerService] {
        let consumer = UsersEventsConsumer(service: self)
        return [
            EventConsumerService(bus: bus, group: UsersEventsConsumer.group, topics: [.usersEvents], logger: logger) { event in
                try await consumer.handle(event)
            }
        ]
    }

    // MARK: Access

    public func access(userId: String, projectId: String) async throws -> ProjectAccess? {
        guard let facts = try await facts(projectId: projectId) else { return nil }
        let orgRole = try await users.role(of: userId, in: facts.project.orgId)
        let memberRole = orgRole == nil ? nil : try await memberRole(projectId: projectId, userId: userId)
        guard let role = ProjectRole.effective(orgRole: orgRole, memberRole: memberRole, visibility: facts.project.visibility) else {
            return nil
        }
        return ProjectAccess(
            projectId: projectId, orgId: facts.project.orgId, role: role, archived: facts.project.archived,
            defaultDocumentTags: facts.settings.defaultDocumentTags)
    }

    /// The project and the caller's role, or 404 (cannot see it) / 403 (role too low).
    func authorize(_ principal: Principal, projectId: String, _ scope: Scope, needs role: ProjectRole, writing: Bool = false) async throws -> (Facts, ProjectAccess) {
        try principal.require(scope)
        guard let access = try await access(userId: principal.userId, projectId: projectId),
            let facts = try await facts(projectId: projectId)
        else { throw AcmeError.notFound() }
        try access.require(role, writing: writing)
        return (facts, access)
    }

    func facts(projectId: String) async throws -> Facts? {
        let now = clock.now()
        if let cached = facts.value(for: projectId, now: now) { return cached }
        let loaded = try await database.read { db -> Facts? in
            guard let project = try await store.project(id: projectId, on: db) else { return nil }
            return Facts(project: project, settings: try await store.settings(projectId: projectId, on: db).0)
        }
        // Only newer facts replace cached ones, and nothing replaces a cached deletion: a read that began before the
        // delete must not bring the project back.
        facts.store(loaded, for: projectId, now: now) { current in
            current.map { $0.project.version <= (loaded?.project.version ?? .max) } ?? false
        }
        return loaded
    }

    func memberRole(projectId: String, userId: String) async throws -> ProjectRole? {
        let key = projectId + "/" + userId
        let now = clock.now()
        if let cached = memberRoles.value(for: key, now: now) { return cached }
        let role = try await database.read { db in try await store.memberRole(projectId: projectId, userId: userId, on: db) }
        memberRoles.store(role, for: key, now: now)
        return role
    }

    /// Replaces cached facts after this process changed a project.
    func remember(_ project: Project?, id: String, settings: ProjectSettings? = nil) {
        guard let project else {
            facts.store(nil, for: id, now: clock.now())
            return
        }
        let settings = settings ?? facts.value(for: id, now: clock.now())??.settings
        if let settings {
            facts.store(Facts(project: project, settings: settings), for: id, now: clock.now())
        } else {
            facts.remove(id)
        }
    }
}
