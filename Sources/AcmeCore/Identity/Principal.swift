/// The authenticated caller of a request, established by the gateway and trusted by every service.
public struct Principal: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// An interactive session: a JWT access token tied to a refresh-token family.
        case session
        /// A personal API token (`acme_pat_…`), limited to its scopes.
        case apiToken
    }

    public var userId: String
    public var kind: Kind
    /// The session (for `.session`) or the token id (for `.apiToken`).
    public var credentialId: String
    public var scopes: Set<Scope>

    public init(userId: String, kind: Kind, credentialId: String, scopes: Set<Scope>) {
        self.userId = userId
        self.kind = kind
        self.credentialId = credentialId
        self.scopes = scopes
    }

    public var sessionId: String? { kind == .session ? credentialId : nil }

    /// Throws 403 unless the credential carries `scope`. Sessions carry every scope.
    public func require(_ scope: Scope) throws(AcmeError) {
        guard scopes.contains(scope) else {
            throw .forbidden("This token lacks the '\(scope.rawValue)' scope.")
        }
    }

    /// Account-security routes (passwords, MFA, sessions, tokens) accept only an interactive session,
    /// so a leaked API token cannot mint more credentials.
    public func requireSession() throws(AcmeError) -> String {
        guard kind == .session else {
            throw .forbidden("This endpoint requires a signed-in session, not an API token.")
        }
        return credentialId
    }
}
