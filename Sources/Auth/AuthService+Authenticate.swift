import AcmeCore

extension AuthService {
    /// Verifies an access token (JWT) or an API token and returns its principal.
    ///
    /// A credential seen for the first time is checked fully (signature, expiry, the session or token row
    /// in the database); then it is cached briefly, so steady traffic costs one dictionary lookup.
    public func authenticate(bearer token: String) async throws -> Principal {
        let now = clock.now()
        if let cached = cache.value(for: token, now: now) { return cached }
        let invalid = AcmeError.unauthorized("The access token is invalid or expired.")
        guard token.utf8.count <= 4096 else { throw invalid }

        if token.hasPrefix(Self.tokenPrefix) {
            let hash = SecureRandom.sha256Hex(token)
            guard let stored = try await database.read({ db in try await apiTokens.token(hash: hash, on: db) }),
                stored.isActive(at: now)
            else { throw invalid }
            try await database.transaction { db in try await apiTokens.touch(id: stored.info.id, at: now, on: db) }
            let principal = Principal(
                userId: stored.accountId, kind: .apiToken, credentialId: stored.info.id, scopes: Set(stored.info.scopes))
            cache.store(principal, for: token, now: now, expiresAt: stored.info.expiresAt)
            return principal
        }

        let claims: AccessTokenClaims
        do {
            claims = try await keys.verify(token)
        } catch {
            throw invalid
        }
        guard claims.exp.value > now else { throw invalid }
        let session = try await database.read { db in try await sessions.session(id: claims.sid, on: db) }
        guard let session, session.isActive(at: now), session.accountId == claims.sub.value else { throw invalid }
        let principal = Principal(userId: session.accountId, kind: .session, credentialId: session.id, scopes: Scope.all)
        cache.store(principal, for: token, now: now, expiresAt: claims.exp.value)
        return principal
    }
}
