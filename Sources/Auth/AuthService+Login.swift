import AcmeCore
import AcmeEvents
import User

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension AuthService {
    public struct SignupRequest: StrictDecodable, Sendable {
        public var email: String
        public var password: String
        public var name: String
        public enum CodingKeys: String, CodingKey { case email, password, name }
    }

    public struct LoginRequest: StrictDecodable, Sendable {
        public var email: String
        public var password: String
        public enum CodingKeys: String, CodingKey { case email, password }
    }

    public struct MFAVerifyRequest: StrictDecodable, Sendable {
        public var mfaToken: String
        public var code: String
        public enum CodingKeys: String, CodingKey { case mfaToken, code }
    }

    static let emailTaken = AcmeError.conflict("An account with this e-mail address already exists.")

    /// Creates the account and its first session. The account (with its `user.created` event) is the
    /// commit point; the profile is then provisioned in the User service, which also consumes
    /// `user.created`, so a failed call there is repaired from the event.
    func signup(_ input: SignupRequest, request: RequestInfo) async throws -> AuthTokens {
        let email = EmailAddress.normalize(input.email)
        var validator = Validator()
        validator.check(EmailAddress.isValid(email), "email", "must be an e-mail address")
        policy.check(input.password, field: "password", email: email, into: &validator)
        let name = validator.text(input.name, "name", length: 1...100)
        try validator.finish()
        try signupsByAddress.spend(request.ipAddress)
        // A taken address is refused before the costly hash (and checked again in the transaction, for races).
        if try await database.read({ db in try await accounts.account(email: email, on: db) }) != nil {
            throw Self.emailTaken
        }

        let hash = await hasher.hash(input.password)
        let userId = AcmeID.make("usr", at: clock.now())
        let (_, access, refresh) = try await outbox.transaction { db, events in
            if try await accounts.account(email: email, on: db) != nil { throw Self.emailTaken }
            try await accounts.insert(
                AuthStore.Account(id: userId, email: email, passwordHash: hash), at: events.now, on: db)
            try await events.emit(
                AccountCreated(userId: userId, email: email, name: name), subject: userId, subjectVersion: nil, orgId: nil,
                actor: userId, request: request)
            return try await openSession(accountId: userId, request: request, method: "signup", db: db, events: events)
        }
        do {
            _ = try await users.provisionUser(id: userId, email: email, name: name, request: request)
        } catch {
            logger.error("profile provisioning failed; the user.created consumer will retry", metadata: ["user": "\(userId)", "error": "\(error)"])
            throw AcmeError.unavailable("Your account was created; signing in will work in a moment.")
        }
        return try await tokens(userId: userId, access: access, refresh: refresh)
    }

    /// Password login. Unknown e-mail and wrong password give the same 401 after the same bcrypt work.
    func login(_ input: LoginRequest, request: RequestInfo) async throws -> LoginResult {
        let email = EmailAddress.normalize(input.email)
        try loginsByAddress.spend(request.ipAddress)
        // Spent before the password is checked, and given back on success: guesses sent at once cannot all pass
        // a check made before any of them failed.
        try failuresByAccount.spend(email)

        let invalid = AcmeError.unauthorized("The e-mail address or password is incorrect.")
        guard !input.password.isEmpty, input.password.count <= PasswordPolicy.length.upperBound else {
            await hasher.verifyDecoy(input.password)
            throw invalid
        }
        let account = try await database.read { db in try await accounts.account(email: email, on: db) }
        guard let account else {
            await hasher.verifyDecoy(input.password)
            throw invalid
        }
        guard await hasher.verify(input.password, hash: account.passwordHash) else {
            try await outbox.transaction { _, events in
                try await events.emit(
                    UserLoginFailed(userId: account.id, reason: "bad_password"), subject: account.id,
                    subjectVersion: nil, orgId: nil, actor: nil, request: request)
            }
            throw invalid
        }
        failuresByAccount.reset(email)
        if hasher.needsRehash(account.passwordHash) { await rehashPassword(input.password, of: account) }

        if account.mfaEnabled {
            let token = "acme_mfa_" + SecureRandom.token()
            let now = clock.now()
            try await database.transaction { db in
                try await accounts.insertChallenge(
                    hash: SecureRandom.sha256Hex(token),
                    AuthStore.Challenge(
                        accountId: account.id, userAgent: request.userAgent, ipAddress: request.ipAddress,
                        expiresAt: now.addingTimeInterval(settings.mfaChallengeLifetime), attempts: 0),
                    on: db)
            }
            return .mfaRequired(MFAChallenge(mfaToken: token, expiresIn: Int(settings.mfaChallengeLifetime)))
        }
        let (_, access, refresh) = try await outbox.transaction { db, events in
            try await openSession(accountId: account.id, request: request, method: "password", db: db, events: events)
        }
        return .tokens(try await tokens(userId: account.id, access: access, refresh: refresh))
    }

    /// Second login step: a current TOTP code or an unused recovery code. A challenge allows five tries.
    func verifyMFA(_ input: MFAVerifyRequest, request: RequestInfo) async throws -> AuthTokens {
        let invalid = AcmeError.unauthorized("The code is incorrect or the MFA token has expired.")
        guard input.mfaToken.hasPrefix("acme_mfa_"), input.mfaToken.utf8.count < 100 else { throw invalid }
        let hash = SecureRandom.sha256Hex(input.mfaToken)
        enum Outcome: Sendable { case success(String, String, String), failure }
        let outcome: Outcome = try await outbox.transaction { db, events in
            guard let challenge = try await accounts.challenge(hash: hash, on: db), challenge.expiresAt > events.now,
                challenge.attempts < 5, let account = try await accounts.account(id: challenge.accountId, on: db),
                let secret = account.totpSecret
            else { throw invalid }
            // Five tries per challenge, and a budget per account across challenges: whoever has the password can
            // open a new challenge at every login, and a correct password does not refill this budget.
            try failedSecondFactors.spend(account.id)
            let method: String
            if let step = TOTPVerifier.matchingStep(code: input.code, secret: secret, at: events.now, lastUsedStep: account.totpLastStep),
                try await accounts.useTOTPStep(step, accountId: account.id, on: db)
            {
                method = "totp"
            } else if RecoveryCode.looksLikeRecoveryCode(input.code),
                try await accounts.useRecoveryCode(
                    hash: SecureRandom.sha256Hex(RecoveryCode.normalize(input.code)), accountId: account.id, at: events.now, on: db)
            {
                method = "recovery_code"
                let remaining = try await accounts.unusedRecoveryCodes(accountId: account.id, on: db)
                try await events.emit(
                    RecoveryCodeUsed(userId: account.id, remaining: remaining), subject: account.id,
                    subjectVersion: nil, orgId: nil, actor: account.id, request: request)
            } else {
                // Counted in the committed transaction, so the attempt limit holds.
                try await accounts.countChallengeAttempt(hash: hash, on: db)
                return .failure
            }
            try await accounts.deleteChallenge(hash: hash, on: db)
            let opened = try await openSession(accountId: account.id, request: request, method: method, db: db, events: events)
            return .success(account.id, opened.access, opened.refresh)
        }
        guard case .success(let userId, let access, let refresh) = outcome else { throw invalid }
        failedSecondFactors.reset(userId)
        return try await tokens(userId: userId, access: access, refresh: refresh)
    }

    /// Replaces a hash made the old way (of the password itself, or at another cost) while the password is at
    /// hand. Best effort: the login succeeds either way, and the next one tries again.
    func rehashPassword(_ password: String, of account: AuthStore.Account) async {
        let fresh = await hasher.hash(password)
        do {
            try await database.transaction { db in
                try await accounts.replacePasswordHash(account.passwordHash, with: fresh, accountId: account.id, on: db)
            }
        } catch {
            logger.warning("password rehash failed", metadata: ["user": "\(account.id)", "error": "\(error)"])
        }
    }
}
