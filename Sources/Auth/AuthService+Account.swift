import AcmeCore
import AcmeEvents
import User

extension AuthService {
    public struct PasswordChange: StrictDecodable, Sendable {
        public var currentPassword: String
        public var newPassword: String
        public enum CodingKeys: String, CodingKey { case currentPassword, newPassword }
    }

    public struct AccountDeletion: StrictDecodable, Sendable {
        public var password: String
        public enum CodingKeys: String, CodingKey { case password }
    }

    /// Changes the password and signs out every other session.
    func changePassword(_ principal: Principal, _ input: PasswordChange, request: RequestInfo) async throws {
        let sessionId = try principal.requireSession()
        guard let account = try await database.read({ db in try await accounts.account(id: principal.userId, on: db) }) else {
            throw AcmeError.unauthorized()
        }
        var validator = Validator()
        policy.check(input.newPassword, field: "newPassword", email: account.email, into: &validator)
        validator.check(input.newPassword != input.currentPassword, "newPassword", "must differ from the current password")
        try validator.finish()
        try await requirePassword(input.currentPassword, account: account)

        let hash = await hasher.hash(input.newPassword)
        let revoked = try await outbox.transaction { db, events in
            try await accounts.setPasswordHash(hash, accountId: account.id, at: events.now, on: db)
            let revoked = try await sessions.revokeAll(
                accountId: account.id, except: sessionId, reason: "password_changed", at: events.now, on: db)
            try await events.emit(
                PasswordChanged(userId: account.id), subject: account.id, subjectVersion: nil,
                orgId: nil, actor: account.id, request: request)
            return revoked
        }
        cache.removeAll { _, principal in revoked.contains(principal.credentialId) }
    }

    /// Deletes the account: the profile and memberships first (the User service refuses while the user
    /// is an org's last owner), then credentials, sessions and tokens.
    func deleteAccount(_ principal: Principal, _ input: AccountDeletion, request: RequestInfo) async throws {
        _ = try principal.requireSession()
        guard let account = try await database.read({ db in try await accounts.account(id: principal.userId, on: db) }) else {
            throw AcmeError.unauthorized()
        }
        try await requirePassword(input.password, account: account)
        try await users.deleteUser(id: account.id, request: request)
        try await outbox.transaction { db, events in
            try await accounts.deleteAccount(id: account.id, on: db)
            try await events.emit(
                AccountDeleted(userId: account.id), subject: account.id, subjectVersion: nil,
                orgId: nil, actor: account.id, request: request)
        }
        cache.removeAll { _, principal in principal.userId == account.id }
    }

    /// 403 (not 401: the caller is authenticated, the confirmation is wrong) unless `password` is the account's.
    func requirePassword(_ password: String, account: AuthStore.Account) async throws {
        // Spent first and given back on success, as at login.
        try failuresByAccount.spend(account.email)
        guard password.count <= PasswordPolicy.length.upperBound, await hasher.verify(password, hash: account.passwordHash) else {
            throw AcmeError.forbidden("The current password is incorrect.")
        }
        failuresByAccount.reset(account.email)
    }
}
