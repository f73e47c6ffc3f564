import AcmeCore
import AcmeEvents

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension AuthService {
    public struct CodeRequest: StrictDecodable, Sendable {
        public var code: String
        public enum CodingKeys: String, CodingKey { case code }
    }

    public struct TOTPStart: StrictDecodable, Sendable {
        public var password: String?
        public enum CodingKeys: String, CodingKey { case password }
    }

    /// How long after signing in a session may start TOTP enrolment without the password.
    static let recentSignIn: TimeInterval = 10 * 60

    /// Starts TOTP enrolment: a new secret that becomes active once a code from it is confirmed.
    ///
    /// A session that signed in over `recentSignIn` ago must give the password: else whoever holds a stolen
    /// (and refreshed) session could turn on a second factor only they have, and lock the owner out.
    func beginTOTP(_ principal: Principal, password: String?, request: RequestInfo) async throws -> TOTPSetup {
        let sessionId = try principal.requireSession()
        if let password {
            guard let account = try await database.read({ db in try await accounts.account(id: principal.userId, on: db) }) else {
                throw AcmeError.unauthorized()
            }
            try await requirePassword(password, account: account)
        } else {
            let session = try await database.read { db in try await sessions.session(id: sessionId, on: db) }
            guard let session else { throw AcmeError.unauthorized() }
            if clock.now().timeIntervalSince(session.createdAt) > Self.recentSignIn {
                throw AcmeError.forbidden(
                    "This session signed in more than \(Int(Self.recentSignIn / 60)) minutes ago: send your password (\"password\") to set up two-factor authentication.")
            }
        }
        let secret = TOTPVerifier.makeSecret()
        return try await outbox.transaction { db, events in
            guard let account = try await accounts.account(id: principal.userId, on: db) else { throw AcmeError.unauthorized() }
            guard !account.mfaEnabled else { throw AcmeError.conflict("Two-factor authentication is already enabled.") }
            try await accounts.setTOTP(secret: nil, pending: secret, lastStep: nil, accountId: account.id, at: events.now, on: db)
            try await events.emit(
                MFAEnrollmentStarted(userId: account.id), subject: account.id, subjectVersion: nil, orgId: nil,
                actor: account.id, request: request)
            return TOTPVerifier.setup(secret: secret, account: account.email)
        }
    }

    /// Confirms enrolment with a code and returns the ten recovery codes (shown only now).
    func enableTOTP(_ principal: Principal, _ input: CodeRequest, request: RequestInfo) async throws -> RecoveryCodes {
        _ = try principal.requireSession()
        let codes = (0..<RecoveryCode.count).map { _ in RecoveryCode.make() }
        try await outbox.transaction { db, events in
            guard let account = try await accounts.account(id: principal.userId, on: db) else { throw AcmeError.unauthorized() }
            guard !account.mfaEnabled else { throw AcmeError.conflict("Two-factor authentication is already enabled.") }
            guard let pending = account.totpPendingSecret else {
                throw AcmeError.conflict("Start with POST /v1/auth/mfa/totp to get a secret.")
            }
            guard let step = TOTPVerifier.matchingStep(code: input.code, secret: pending, at: events.now, lastUsedStep: nil) else {
                throw AcmeError.invalid("code", "is not the current code of the authenticator")
            }
            try await accounts.setTOTP(secret: pending, pending: nil, lastStep: step, accountId: account.id, at: events.now, on: db)
            try await accounts.replaceRecoveryCodes(codes.map(SecureRandom.sha256Hex), accountId: account.id, on: db)
            try await events.emit(
                MFAChanged(userId: account.id, enabled: true), subject: account.id, subjectVersion: nil,
                orgId: nil, actor: account.id, request: request)
        }
        return RecoveryCodes(recoveryCodes: codes)
    }

    /// Turns TOTP off; needs a current code (or a recovery code) as proof of the second factor.
    func disableTOTP(_ principal: Principal, _ input: CodeRequest, request: RequestInfo) async throws {
        _ = try principal.requireSession()
        // Spent first and given back on success, as at login.
        try failedSecondFactors.spend(principal.userId)
        try await outbox.transaction { db, events in
            guard let account = try await accounts.account(id: principal.userId, on: db) else { throw AcmeError.unauthorized() }
            guard let secret = account.totpSecret else { throw AcmeError.conflict("Two-factor authentication is not enabled.") }
            let totpOK = TOTPVerifier.matchingStep(code: input.code, secret: secret, at: events.now, lastUsedStep: account.totpLastStep) != nil
            var recoveryOK = false
            if !totpOK, RecoveryCode.looksLikeRecoveryCode(input.code) {
                recoveryOK = try await accounts.useRecoveryCode(
                    hash: SecureRandom.sha256Hex(RecoveryCode.normalize(input.code)), accountId: account.id, at: events.now, on: db)
            }
            guard totpOK || recoveryOK else { throw AcmeError.forbidden("The code is incorrect.") }
            try await accounts.setTOTP(secret: nil, pending: nil, lastStep: nil, accountId: account.id, at: events.now, on: db)
            try await accounts.replaceRecoveryCodes([], accountId: account.id, on: db)
            try await events.emit(
                MFAChanged(userId: account.id, enabled: false), subject: account.id, subjectVersion: nil,
                orgId: nil, actor: account.id, request: request)
        }
        failedSecondFactors.reset(principal.userId)
    }
}
