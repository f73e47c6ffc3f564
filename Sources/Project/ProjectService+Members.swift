import AcmeCore
import AcmeEvents

extension ProjectService {
    public struct MemberRole: StrictDecodable, Sendable {
        public var role: String
        public enum CodingKeys: String, CodingKey { case role }
    }

    func members(_ principal: Principal, projectId: String, page: PageRequest) async throws -> Page<ProjectMember> {
        _ = try await authorize(principal, projectId: projectId, .projectsRead, needs: .viewer)
        let rows = try await database.read { db in try await store.members(projectId: projectId, page: page, on: db) }
        return Page(rows: rows, limit: page.limit) { [$0.userId] }
    }

    /// Adds a member or changes their role (idempotent: the same role again changes nothing). Only members
    /// of the project's org can be added, as the User service says.
    func putMember(_ principal: Principal, projectId: String, userId: String, _ input: MemberRole, request: RequestInfo) async throws -> (ProjectMember, created: Bool) {
        guard let role = ProjectRole(rawValue: input.role) else { throw AcmeError.invalid("role", "must be admin, editor or viewer") }
        let (facts, _) = try await authorize(principal, projectId: projectId, .projectsWrite, needs: .admin)
        guard let orgRole = try await users.role(of: userId, in: facts.project.orgId) else {
            throw AcmeError.invalid("userId", "is not a member of the project's organization")
        }
        // An org viewer is read-only everywhere; a stronger project role would be a promise the rules don't keep.
        if orgRole == .viewer, role > .viewer {
            throw AcmeError.invalid("role", "must be viewer: the user is a viewer of the organization")
        }
        let (created, project) = try await outbox.transaction { db, events -> (Bool, Project?) in
            guard var project = try await store.lockedProject(id: projectId, on: db) else { throw AcmeError.notFound() }
            let previous = try await store.memberRole(projectId: projectId, userId: userId, on: db)
            guard previous != role else { return (false, nil) }
            try await store.setMember(projectId: projectId, userId: userId, role: role, at: events.now, on: db)
            try await store.touch(&project, at: events.now, on: db)
            if let previous {
                try await events.emit(
                    ProjectMemberRoleChanged(projectId: projectId, userId: userId, from: previous, to: role), subject: projectId,
                    subjectVersion: project.version, orgId: project.orgId, actor: principal.userId, request: request)
            } else {
                try await events.emit(
                    ProjectMemberAdded(projectId: projectId, userId: userId, role: role), subject: projectId,
                    subjectVersion: project.version, orgId: project.orgId, actor: principal.userId, request: request)
            }
            return (previous == nil, project)
        }
        if let project { membershipChanged(project, userId: userId) }
        return (try await member(projectId: projectId, userId: userId), created)
    }

    func member(projectId: String, userId: String) async throws -> ProjectMember {
        let found = try await database.read { db in try await store.member(projectId: projectId, userId: userId, on: db) }
        guard let found else { throw AcmeError.notFound("No such member.") }
        return found
    }

    /// A user left (or was removed from) the org: their memberships of its projects end too, so rejoining
    /// the org later does not silently restore them.
    func orgMemberRemoved(orgId: String, userId: String, actor: String?) async throws {
        let removed = try await outbox.transaction { db, events -> [Project] in
            var removed: [Project] = []
            for var project in try await store.projects(orgId: orgId, memberId: userId, on: db) {
                try await store.removeMember(projectId: project.id, userId: userId, on: db)
                try await store.touch(&project, at: events.now, on: db)
                try await events.emit(
                    ProjectMemberRemoved(projectId: project.id, userId: userId), subject: project.id,
                    subjectVersion: project.version, orgId: orgId, actor: actor, request: .system)
                removed.append(project)
            }
            return removed
        }
        for project in removed { membershipChanged(project, userId: userId) }
    }

    /// The org is gone: so are its projects.
    func orgDeleted(orgId: String, actor: String?) async throws {
        let deleted = try await outbox.transaction { db, events -> [String] in
            var deleted: [String] = []
            for project in try await store.projects(orgId: orgId, memberId: nil, on: db) {
                try await store.delete(id: project.id, on: db)
                try await events.emit(
                    ProjectDeleted(projectId: project.id), subject: project.id, subjectVersion: project.version + 1,
                    orgId: orgId, actor: actor, request: .system)
                deleted.append(project.id)
            }
            return deleted
        }
        for projectId in deleted {
            remember(nil, id: projectId)
            memberRoles.removeAll { key, _ in key.hasPrefix(projectId + "/") }
        }
    }

    /// Removes a member. Project admins remove anyone; members may remove themselves (leave).
    func removeMember(_ principal: Principal, projectId: String, userId: String, request: RequestInfo) async throws {
        let needed: ProjectRole = userId == principal.userId ? .viewer : .admin
        _ = try await authorize(principal, projectId: projectId, .projectsWrite, needs: needed)
        let project = try await outbox.transaction { db, events -> Project in
            guard var project = try await store.lockedProject(id: projectId, on: db) else { throw AcmeError.notFound() }
            guard try await store.memberRole(projectId: projectId, userId: userId, on: db) != nil else {
                throw AcmeError.notFound("No such member.")
            }
            try await store.removeMember(projectId: projectId, userId: userId, on: db)
            try await store.touch(&project, at: events.now, on: db)
            try await events.emit(
                ProjectMemberRemoved(projectId: projectId, userId: userId), subject: projectId, subjectVersion: project.version,
                orgId: project.orgId, actor: principal.userId, request: request)
            return project
        }
        membershipChanged(project, userId: userId)
    }

    /// `userId`'s membership of `project` changed, which took the project's next version: its cached facts (and
    /// ETag) move on with it, and the user's cached role goes.
    private func membershipChanged(_ project: Project, userId: String) {
        remember(project, id: project.id)
        memberRoles.remove(project.id + "/" + userId)
    }
}
