import AcmeCore
import AcmeEvents

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension UserService {
    public struct NewInvitation: StrictDecodable, Sendable {
        public var email: String
        public var role: String
        public enum CodingKeys: String, CodingKey { case email, role }
    }

    /// The invitation as created: the only time its token is shown.
    public struct CreatedInvitation: Codable, Sendable {
        public var id: String
        public var token: String
        public var email: String
        public var role: OrgRole
        public var expiresAt: Date
    }

    func invite(_ principal: Principal, orgId: String, _ input: NewInvitation, request: RequestInfo) async throws -> CreatedInvitation {
        try principal.require(.orgsWrite)
        let email = EmailAddress.normalize(input.email)
        var validator = Validator()
        validator.check(EmailAddress.isValid(email), "email", "must be an e-mail address")
        let role = OrgRole(rawValue: input.role)
        validator.check(role != nil, "role", "must be one of: owner, admin, member, viewer")
        try validator.finish()

        let token = "acme_inv_" + SecureRandom.token()
        return try await outbox.transaction { db, events in
            let callerRole = try OrgAccess.check(try await store.role(of: principal.userId, in: orgId, on: db), .manageMembers)
            if role == .owner, !callerRole.allows(.manageOwners) {
                throw AcmeError.forbidden("Only owners can invite owners.")
            }
            if let invitee = try await store.user(email: email, on: db), try await store.role(of: invitee.id, in: orgId, on: db) != nil {
                throw AcmeError.conflict("\(email) is already a member.")
            }
            if try await store.pendingInvitation(orgId: orgId, email: email, now: events.now, on: db) != nil {
                throw AcmeError.conflict("\(email) already has a pending invitation; revoke it to send a new one.")
            }
            let invitation = Invitation(
                id: AcmeID.make("inv", at: events.now), orgId: orgId, email: email, role: role!, status: .pending,
                invitedBy: principal.userId, createdAt: events.now,
                expiresAt: events.now.addingTimeInterval(Self.invitationLifetime))
            try await store.insert(invitation, tokenHash: SecureRandom.sha256Hex(token), on: db)
            try await events.emit(
                InvitationCreated(orgId: orgId, invitationId: invitation.id, email: email, role: invitation.role),
                subject: orgId, subjectVersion: try await store.bumpVersion(orgId: orgId, at: events.now, on: db),
                orgId: orgId, actor: principal.userId, request: request)
            return CreatedInvitation(id: invitation.id, token: token, email: email, role: invitation.role, expiresAt: invitation.expiresAt)
        }
    }

    func invitations(_ principal: Principal, orgId: String, page: PageRequest) async throws -> Page<Invitation> {
        try principal.require(.orgsRead)
        let now = clock.now()
        let rows = try await database.read { db in
            _ = try OrgAccess.check(try await store.role(of: principal.userId, in: orgId, on: db), .manageMembers)
            return try await store.invitations(orgId: orgId, page: page, now: now, on: db)
        }
        return Page(rows: rows, limit: page.limit) { [$0.id] }
    }

    func revokeInvitation(_ principal: Principal, orgId: String, invitationId: String, request: RequestInfo) async throws {
        try principal.require(.orgsWrite)
        try await outbox.transaction { db, events in
            _ = try OrgAccess.check(try await store.role(of: principal.userId, in: orgId, on: db), .manageMembers)
            guard let invitation = try await store.invitation(id: invitationId, orgId: orgId, now: events.now, on: db) else {
                throw AcmeError.notFound()
            }
            guard invitation.status == .pending else {
                throw AcmeError.conflict("The invitation is already \(invitation.status.rawValue).")
            }
            try await store.markRevoked(invitationId: invitationId, at: events.now, on: db)
            try await events.emit(
                InvitationRevoked(orgId: orgId, invitationId: invitationId), subject: orgId,
                subjectVersion: try await store.bumpVersion(orgId: orgId, at: events.now, on: db), orgId: orgId,
                actor: principal.userId, request: request)
        }
    }

    /// Joins the org named by the invitation. The signed-in user's address must be the invited one, so a
    /// forwarded or leaked link cannot be used by someone else.
    func acceptInvitation(_ principal: Principal, token: String, request: RequestInfo) async throws -> OrganizationView {
        try principal.require(.orgsWrite)
        guard token.hasPrefix("acme_inv_"), token.utf8.count < 100 else { throw AcmeError.notFound("No such invitation.") }
        defer { forgetRoles(userId: principal.userId) }
        return try await outbox.transaction { db, events in
            guard let invitation = try await store.invitation(tokenHash: SecureRandom.sha256Hex(token), now: events.now, on: db) else {
                throw AcmeError.notFound("No such invitation.")
            }
            guard invitation.status == .pending else { throw AcmeError.gone("The invitation is \(invitation.status.rawValue).") }
            guard let user = try await store.user(id: principal.userId, on: db) else { throw AcmeError.unauthorized() }
            guard user.email == invitation.email else {
                throw AcmeError.forbidden("The invitation was sent to a different e-mail address.")
            }
            guard try await store.role(of: user.id, in: invitation.orgId, on: db) == nil else {
                throw AcmeError.conflict("You are already a member of this organization.")
            }
            guard let org = try await store.org(id: invitation.orgId, on: db) else { throw AcmeError.gone("The organization no longer exists.") }
            try await store.addMember(orgId: org.id, userId: user.id, role: invitation.role, at: events.now, on: db)
            try await store.markAccepted(invitationId: invitation.id, by: user.id, at: events.now, on: db)
            try await events.emit(
                OrgMemberAdded(orgId: org.id, userId: user.id, role: invitation.role, invitationId: invitation.id),
                subject: org.id, subjectVersion: try await store.bumpVersion(orgId: org.id, at: events.now, on: db),
                orgId: org.id, actor: user.id, request: request)
            return OrganizationView(org, role: invitation.role)
        }
    }
}
