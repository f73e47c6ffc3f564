import AcmeCore
import AcmeEvents

extension UserService {
    public struct RoleChange: StrictDecodable, Sendable {
        public var role: String
        public enum CodingKeys: String, CodingKey { case role }
    }

    static func parseRole(_ raw: String, field: String = "role") throws(AcmeError) -> OrgRole {
        guard let role = OrgRole(rawValue: raw) else {
            throw .invalid(field, "must be one of: owner, admin, member, viewer")
        }
        return role
    }

    func members(_ principal: Principal, orgId: String, page: PageRequest) async throws -> Page<Member> {
        try principal.require(.orgsRead)
        let rows = try await database.read { db in
            _ = try OrgAccess.check(try await store.role(of: principal.userId, in: orgId, on: db), .read)
            return try await store.members(orgId: orgId, page: page, on: db)
        }
        return Page(rows: rows, limit: page.limit) { [$0.userId] }
    }

    /// Changes a member's role. Admins manage members below owner; only owners grant or take away the
    /// owner role; the last owner cannot be demoted.
    func changeRole(_ principal: Principal, orgId: String, userId: String, to newRole: OrgRole, request: RequestInfo) async throws -> Member {
        try principal.require(.orgsWrite)
        defer { forgetRoles(orgId: orgId, userId: userId) }
        return try await outbox.transaction { db, events in
            let callerRole = try OrgAccess.check(try await store.role(of: principal.userId, in: orgId, on: db), .manageMembers)
            guard let currentRole = try await store.role(of: userId, in: orgId, on: db) else { throw AcmeError.notFound("No such member.") }
            if currentRole == .owner || newRole == .owner {
                guard callerRole.allows(.manageOwners) else { throw AcmeError.forbidden("Only owners can grant or change the owner role.") }
            }
            if currentRole == .owner, newRole != .owner, try await store.ownerCount(orgId: orgId, on: db) <= 1 {
                throw AcmeError.conflict("The last owner cannot be demoted; make someone else an owner first.")
            }
            if currentRole != newRole {
                try await store.setRole(newRole, orgId: orgId, userId: userId, on: db)
                try await events.emit(
                    OrgMemberRoleChanged(orgId: orgId, userId: userId, from: currentRole, to: newRole), subject: orgId,
                    subjectVersion: try await store.bumpVersion(orgId: orgId, at: events.now, on: db), orgId: orgId,
                    actor: principal.userId, request: request)
            }
            guard let member = try await store.member(orgId: orgId, userId: userId, on: db) else { throw AcmeError.notFound() }
            return member
        }
    }

    /// Removes a member; members may always remove themselves (leave), except the last owner.
    func removeMember(_ principal: Principal, orgId: String, userId: String, request: RequestInfo) async throws {
        try principal.require(.orgsWrite)
        defer { forgetRoles(orgId: orgId, userId: userId) }
        try await outbox.transaction { db, events in
            guard let callerRole = try await store.role(of: principal.userId, in: orgId, on: db) else { throw AcmeError.notFound() }
            guard let targetRole = try await store.role(of: userId, in: orgId, on: db) else { throw AcmeError.notFound("No such member.") }
            if userId != principal.userId {
                guard callerRole.allows(.manageMembers) else { throw AcmeError.forbidden() }
                if targetRole == .owner, !callerRole.allows(.manageOwners) {
                    throw AcmeError.forbidden("Only owners can remove an owner.")
                }
            }
            if targetRole == .owner, try await store.ownerCount(orgId: orgId, on: db) <= 1 {
                throw AcmeError.conflict("The last owner cannot leave; make someone else an owner or delete the organization.")
            }
            try await store.removeMember(orgId: orgId, userId: userId, on: db)
            try await events.emit(
                OrgMemberRemoved(orgId: orgId, userId: userId), subject: orgId,
                subjectVersion: try await store.bumpVersion(orgId: orgId, at: events.now, on: db), orgId: orgId,
                actor: principal.userId, request: request)
        }
    }
}
