import AcmeCore
import AcmeDatabase
import AcmeEvents
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension ProjectService {
    public struct NewProject: StrictDecodable, Sendable {
        public var name: String
        public var key: String
        public var description: String?
        public var visibility: String?
        public enum CodingKeys: String, CodingKey { case name, key, description, visibility }
    }

    public struct ProjectChanges: StrictDecodable, Sendable {
        public var name: String?
        public var description: String??
        public var visibility: String?
        public enum CodingKeys: String, CodingKey { case name, description, visibility }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = container.contains(.name) ? try container.decode(String.self, forKey: .name) : nil
            description = container.contains(.description) ? .some(try container.decodeIfPresent(String.self, forKey: .description)) : nil
            visibility = container.contains(.visibility) ? try container.decode(String.self, forKey: .visibility) : nil
        }
    }

    /// The result of a creation, stored for `Idempotency-Key` replays.
    public struct Created: Codable, Sendable {
        public var project: ProjectView
        public var version: Int64
    }

    /// 2–10 uppercase ASCII letters, unique in the org (`DOC`, `WEB`): short prefixes for humans.
    static func isValidKey(_ key: String) -> Bool {
        (2...10).contains(key.count) && key.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) }
    }

    /// A trimmed description of at most 2000 characters; empty means none.
    static func validateDescription(_ description: String?, into validator: inout Validator) -> String? {
        guard let trimmed = description?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        validator.check(trimmed.count <= 2000, "description", "must be at most 2000 characters")
        return trimmed
    }

    func createProject(_ principal: Principal, orgId: String, _ input: NewProject, idempotency: IdempotencyKey?, request: RequestInfo) async throws -> (Created, replayed: Bool) {
        try principal.require(.projectsWrite)
        var validator = Validator()
        let name = validator.text(input.name, "name", length: 1...100)
        validator.check(Self.isValidKey(input.key), "key", "must be 2–10 uppercase letters A–Z")
        let description = Self.validateDescription(input.description, into: &validator)
        let visibility = ProjectVisibility(rawValue: input.visibility ?? ProjectVisibility.org.rawValue)
        validator.check(visibility != nil, "visibility", "must be org or private")
        try validator.finish()
        _ = try OrgAccess.check(try await users.role(of: principal.userId, in: orgId), .write)

        let (created, replayed) = try await outbox.transaction { db, events in
            try await idempotent(idempotency, on: db, now: events.now) {
                let project = Project(
                    id: AcmeID.make("prj", at: events.now), orgId: orgId, name: name, key: input.key,
                    description: description, visibility: visibility!,
                    archived: false, createdBy: principal.userId, createdAt: events.now, updatedAt: events.now, version: 1)
                do {
                    try await store.insert(project, on: db)
                } catch where DatabaseFailure.isConflict(error) {
                    throw AcmeError.conflict("The key '\(input.key)' is already used in this organization.")
                }
                try await store.setMember(projectId: project.id, userId: principal.userId, role: .admin, at: events.now, on: db)
                try await events.emit(
                    ProjectCreated(
                        projectId: project.id, name: name, key: project.key, visibility: project.visibility,
                        description: project.description),
                    subject: project.id, subjectVersion: 1, orgId: orgId, actor: principal.userId, request: request)
                var current = project
                try await store.touch(&current, at: events.now, on: db)
                try await events.emit(
                    ProjectMemberAdded(projectId: project.id, userId: principal.userId, role: .admin),
                    subject: project.id, subjectVersion: current.version, orgId: orgId, actor: principal.userId, request: request)
                return Created(project: ProjectView(current, role: .admin), version: current.version)
            }
        }
        if !replayed { memberRoles.remove(created.project.id + "/" + principal.userId) }
        return (created, replayed)
    }

    /// Runs `create` once per idempotency key (or always, without one).
    func idempotent<T: Codable & Sendable>(_ key: IdempotencyKey?, on db: any SQLDatabase, now: Date, _ create: () async throws -> T) async throws -> (T, Bool) {
        guard let key else { return (try await create(), false) }
        let result = try await key.run(on: db, now: now, create)
        return (result.value, result.replayed)
    }

    struct ListParameters: Sendable {
        var search: String?
        var archived: Bool
        var sort: ProjectStore.Sort
        var page: PageRequest

        /// Cursors start with the ordering they belong to, so one from another ordering is rejected, not misread.
        var cursorMode: String { search != nil ? "similarity" : sort.rawValue }
    }

    func projects(_ principal: Principal, orgId: String, _ parameters: ListParameters) async throws -> Page<ProjectView> {
        try principal.require(.projectsRead)
        let orgRole = try OrgAccess.check(try await users.role(of: principal.userId, in: orgId), .read)
        let query = ProjectStore.ListQuery(
            orgId: orgId, userId: principal.userId, seesEverything: orgRole >= .admin, archived: parameters.archived,
            search: parameters.search, sort: parameters.sort, page: parameters.page, after: parameters.page.after.map { Array($0.dropFirst()) })
        let rows = try await database.read { db in try await store.list(query, on: db) }
        // The query returns only projects the caller can see, so every row has a role.
        let views = rows.compactMap { row in
            ProjectRole.effective(orgRole: orgRole, memberRole: row.memberRole, visibility: row.project.visibility)
                .map { (ProjectView(row.project, role: $0), row.score) }
        }
        return Page(rows: views, limit: parameters.page.limit, item: \.0) { view, score in
            let key: String
            if let score {
                key = String(score)
            } else {
                switch parameters.sort {
                case .name: key = view.name.lowercased()
                case .newest: key = String(view.createdAt.millis)
                }
            }
            return [parameters.cursorMode, key, view.id]
        }
    }

    func project(_ principal: Principal, id: String) async throws -> (Project, ProjectRole) {
        let (facts, access) = try await authorize(principal, projectId: id, .projectsRead, needs: .viewer)
        return (facts.project, access.role)
    }

    func updateProject(_ principal: Principal, id: String, _ changes: ProjectChanges, ifMatch: String?, request: RequestInfo) async throws -> (Project, ProjectRole) {
        var validator = Validator()
        let name = changes.name.map { validator.text($0, "name", length: 1...100) }
        var description: String?? = nil
        if case .some(let value) = changes.description { description = .some(Self.validateDescription(value, into: &validator)) }
        let visibility = changes.visibility.map(ProjectVisibility.init(rawValue:))
        if case .some(nil) = visibility { validator.check(false, "visibility", "must be org or private") }
        try validator.finish()
        let (_, access) = try await authorize(principal, projectId: id, .projectsWrite, needs: .admin)

        let project = try await outbox.transaction { db, events -> Project in
            guard var project = try await store.lockedProject(id: id, on: db) else { throw AcmeError.notFound() }
            try ETag.check(ifMatch, current: ETag.make(version: project.version))
            let before = project
            if let name { project.name = name }
            if case .some(let value) = description { project.description = value }
            if case .some(.some(let visibility)) = visibility { project.visibility = visibility }
            if project == before { return project }
            project.version += 1
            project.updatedAt = events.now
            try await store.update(project, on: db)
            try await events.emit(
                ProjectUpdated(projectId: id, name: project.name, description: project.description, visibility: project.visibility),
                subject: id, subjectVersion: project.version, orgId: project.orgId, actor: principal.userId, request: request)
            return project
        }
        remember(project, id: id)
        return (project, access.role)
    }

    func setArchived(_ principal: Principal, id: String, archived: Bool, request: RequestInfo) async throws -> (Project, ProjectRole) {
        let (_, access) = try await authorize(principal, projectId: id, .projectsWrite, needs: .admin)
        let project = try await outbox.transaction { db, events -> Project in
            guard var project = try await store.lockedProject(id: id, on: db) else { throw AcmeError.notFound() }
            guard project.archived != archived else { return project }
            project.archived = archived
            project.version += 1
            project.updatedAt = events.now
            try await store.update(project, on: db)
            if archived {
                try await events.emit(
                    ProjectArchived(projectId: id), subject: id, subjectVersion: project.version, orgId: project.orgId,
                    actor: principal.userId, request: request)
            } else {
                try await events.emit(
                    ProjectUnarchived(projectId: id), subject: id, subjectVersion: project.version, orgId: project.orgId,
                    actor: principal.userId, request: request)
            }
            return project
        }
        remember(project, id: id)
        return (project, access.role)
    }

    func deleteProject(_ principal: Principal, id: String, request: RequestInfo) async throws {
        _ = try await authorize(principal, projectId: id, .projectsWrite, needs: .admin)
        try await outbox.transaction { db, events in
            guard let project = try await store.lockedProject(id: id, on: db) else { throw AcmeError.notFound() }
            try await store.delete(id: id, on: db)
            try await events.emit(
                ProjectDeleted(projectId: id), subject: id, subjectVersion: project.version + 1, orgId: project.orgId,
                actor: principal.userId, request: request)
        }
        remember(nil, id: id)
        memberRoles.removeAll { key, _ in key.hasPrefix(id + "/") }
    }
}
