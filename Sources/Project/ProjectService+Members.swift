import AcmeCore
import AcmeEvents

extension ProjectService {
    public struct MemberRole: StrictDecodable, Sendable {
        public var role: String
        public enum CodingKeys: String, CodingKey, CaseIterable { case role }
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
        guard try await users.role(of: userId, in: facts.project.orgId) != nil else {
            throw AcmeError.invalid("userId", "is not a member of the project's organization")
        }
        let created = try await outbox.transaction { db, events -> Bool in
            guard var project = try await store.project(id: projectId, on: db) else { throw AcmeError.notFound() }
            let previous = try await store.memberRole(projectId: projectId, userId: userId, on: db)
            guard previous != role else { return false }
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
            return previous == nil
        }
        memberRoles.remove(projectId + "/" + userId)
        return (try await member(projectId: projectId, userId: userId), created)
    }

    func member(projectId: String, userId: String) async throws -> ProjectMember {
        let found = try await database.read { db in try await store.member(projectId: projectId, userId: userId, on: db) }
        guard let found else { throw AcmeError.notFound("No such member.") }
        return found
    }

    /// Removes a member. Project admins remove anyone; members may remove themselves (leave).
    func removeMember(_ principal: Principal, projectId: String, userId: String, request: RequestInfo) async throws {
        let needed: ProjectRole = userId == principal.userId ? .viewer : .admin
        _ = try await authorize(principal, projectId: projectId, .projectsWrite, needs: needed)
        try await outbox.transaction { db, events in
            guard var project = try await store.project(id: projectId, on: db) else { throw AcmeError.notFound() }
            guard try await store.memberRole(projectId: projectId, userId: userId, on: db) != nil else {
                throw AcmeError.notFound("No such member.")
            }
            try await store.removeMember(projectId: projectId, userId: userId, on: db)
            try await store.touch(&project, at: events.now, on: db)
            try await events.emit(
                ProjectMemberRemoved(projectId: projectId, userId: userId), subject: projectId, subjectVersion: project.version,
                orgId: project.orgId, actor: principal.userId, request: request)
        }
        memberRoles.remove(projectId + "/" + userId)
    }
}
