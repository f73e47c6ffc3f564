import AcmeCore
import AcmeEvents
import SQLKit
import User

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension AuthService {
    /// Starts a session for the account inside the caller's transaction and returns its tokens.
    func openSession(accountId: String, request: RequestInfo, method: String, db: any SQLDatabase, events: EventWriter) async throws -> (sessionId: String, access: String, refresh: String) {
        let now = events.now
        let session = SessionStore.Session(
            id: AcmeID.make("ses", at: now), accountId: accountId, userAgent: request.userAgent,
            ipAddress: request.ipAddress, createdAt: now, lastUsedAt: now,
            expiresAt: now.addingTimeInterval(settings.refreshTokenLifetime), revokedAt: nil)
        try await sessions.insert(session, on: db)
        let refresh = Self.makeRefreshToken()
        try await sessions.insertRefreshToken(hash: SecureRandom.sha256Hex(refresh), sessionId: session.id, at: now, on: db)
        try await events.emit(
            UserLoggedIn(userId: accountId, sessionId: session.id, method: method), subject: session.id,
            subjectVersion: nil, orgId: nil, actor: accountId, userKey: accountId, request: request)
        return (session.id, try await accessToken(userId: accountId, sessionId: session.id, now: now), refresh)
    }

    static func makeRefreshToken() -> String { "acme_rt_" + SecureRandom.token() }

    func accessToken(userId: String, sessionId: String, now: Date) async throws -> String {
        // NumericDate claims in whole seconds, as most JWT libraries expect.
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = AccessTokenClaims(
            iss: .init(value: AccessTokenClaims.issuer), aud: .init(value: [AccessTokenClaims.audience]),
            sub: .init(value: userId), sid: sessionId, iat: .init(value: now),
            exp: .init(value: now.addingTimeInterval(settings.accessTokenLifetime)), jti: .init(value: AcmeID.make("jti", at: now)))
        return try await keys.sign(claims)
    }

    func tokens(userId: String, access: String, refresh: String) async throws -> AuthTokens {
        guard let user = try await users.user(id: userId) else { throw AcmeError.unauthorized() }
        return AuthTokens(user: user, accessToken: access, refreshToken: refresh, expiresIn: Int(settings.accessTokenLifetime))
    }

    // MARK: Refresh and logout

    public struct RefreshRequest: StrictDecodable, Sendable {
        public var refreshToken: String
        public enum CodingKeys: String, CodingKey { case refreshToken }
    }

    /// Rotates the refresh token. Presenting a token that was already rotated means it was copied:
    /// the whole session is revoked and both holders must sign in again.
    func refresh(_ input: RefreshRequest, request: RequestInfo) async throws -> AuthTokens {
        let invalid = AcmeError.unauthorized("The refresh token is invalid or expired.")
        guard input.refreshToken.hasPrefix("acme_rt_"), input.refreshToken.utf8.count < 100 else { throw invalid }
        let hash = SecureRandom.sha256Hex(input.refreshToken)
        enum Outcome: Sendable { case rotated(userId: String, access: String, refresh: String), reused(sessionId: String) }
        let outcome: Outcome = try await outbox.transaction { db, events in
            guard let token = try await sessions.refreshToken(hash: hash, on: db),
                let session = try await sessions.session(id: token.sessionId, on: db),
                session.isActive(at: events.now)
            else { throw invalid }
            if token.usedAt != nil {
                try await sessions.revoke(sessionId: session.id, reason: "refresh_token_reuse", at: events.now, on: db)
                try await events.emit(
                    SessionRevoked(userId: session.accountId, sessionId: session.id, reason: "refresh_token_reuse"),
                    subject: session.id, subjectVersion: nil, orgId: nil, actor: nil, userKey: session.accountId, request: request)
                return .reused(sessionId: session.id)
            }
            try await sessions.markUsed(refreshTokenHash: hash, at: events.now, on: db)
            let next = Self.makeRefreshToken()
            try await sessions.insertRefreshToken(hash: SecureRandom.sha256Hex(next), sessionId: session.id, at: events.now, on: db)
            try await sessions.touch(
                sessionId: session.id, at: events.now, expiresAt: events.now.addingTimeInterval(settings.refreshTokenLifetime), on: db)
            let access = try await accessToken(userId: session.accountId, sessionId: session.id, now: events.now)
            return .rotated(userId: session.accountId, access: access, refresh: next)
        }
        switch outcome {
        case .reused(let sessionId):
            cache.removeAll { _, principal in principal.credentialId == sessionId }
            logger.warning("refresh token reuse; session revoked", metadata: ["session": "\(sessionId)"])
            throw invalid
        case .rotated(let userId, let access, let refresh):
            return try await tokens(userId: userId, access: access, refresh: refresh)
        }
    }

    func logout(_ principal: Principal, request: RequestInfo) async throws {
        let sessionId = try principal.requireSession()
        try await revokeSessions([sessionId], userId: principal.userId, reason: "logout", request: request)
    }

    // MARK: Session management

    func listSessions(_ principal: Principal) async throws -> [SessionInfo] {
        let current = try principal.requireSession()
        let now = clock.now()
        return try await database.read { db in
            try await sessions.activeSessions(accountId: principal.userId, now: now, on: db).map { session in
                SessionInfo(
                    id: session.id, userAgent: session.userAgent, ipAddress: session.ipAddress, createdAt: session.createdAt,
                    lastUsedAt: session.lastUsedAt, expiresAt: session.expiresAt, current: session.id == current)
            }
        }
    }

    func revokeSession(_ principal: Principal, sessionId: String, request: RequestInfo) async throws {
        _ = try principal.requireSession()
        let now = clock.now()
        let owned = try await database.read { db in
            try await sessions.session(id: sessionId, on: db).map { $0.accountId == principal.userId && $0.isActive(at: now) } ?? false
        }
        guard owned else { throw AcmeError.notFound("No such session.") }
        try await revokeSessions([sessionId], userId: principal.userId, reason: "revoked_by_user", request: request)
    }

    func revokeSessions(_ ids: [String], userId: String, reason: String, request: RequestInfo) async throws {
        try await outbox.transaction { db, events in
            for id in ids {
                try await sessions.revoke(sessionId: id, reason: reason, at: events.now, on: db)
                try await events.emit(
                    SessionRevoked(userId: userId, sessionId: id, reason: reason), subject: id,
                    subjectVersion: nil, orgId: nil, actor: userId, userKey: userId, request: request)
            }
        }
        cache.removeAll { _, principal in ids.contains(principal.credentialId) }
    }
}
