import AcmeCore
import User

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What other services (and the gateway) may ask of the Auth service.
public protocol AuthAPI: Authenticator {
    /// The public signing keys, as served at `/.well-known/jwks.json`.
    func jwks() async -> JWKS
}

/// Returned by signup, login, MFA verification and refresh.
public struct AuthTokens: Codable, Sendable {
    public var user: UserProfile
    public var accessToken: String
    public var refreshToken: String
    public var tokenType = "Bearer"
    /// Seconds until the access token expires.
    public var expiresIn: Int
}

/// Login's answer when the account has MFA: a short-lived token for `POST /v1/auth/mfa/verify`.
public struct MFAChallenge: Codable, Sendable {
    public var mfaRequired = true
    public var mfaToken: String
    public var expiresIn: Int
}

public enum LoginResult: Encodable, Sendable {
    case tokens(AuthTokens)
    case mfaRequired(MFAChallenge)

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .tokens(let tokens): try tokens.encode(to: encoder)
        case .mfaRequired(let challenge): try challenge.encode(to: encoder)
        }
    }
}

public struct SessionInfo: Codable, Sendable, Equatable {
    public var id: String
    public var userAgent: String
    public var ipAddress: String
    public var createdAt: Date
    public var lastUsedAt: Date
    public var expiresAt: Date
    /// True for the session of the access token that made the request.
    public var current: Bool
}

public struct APITokenInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var scopes: [Scope]
    /// The first characters of the token, to recognise it; the token itself is never stored.
    public var prefix: String
    public var createdAt: Date
    public var expiresAt: Date
    public var lastUsedAt: Date?
}

/// The one response that contains an API token's secret.
public struct CreatedAPIToken: Codable, Sendable {
    public var id: String
    public var name: String
    public var scopes: [Scope]
    public var token: String
    public var createdAt: Date
    public var expiresAt: Date
}

public struct TOTPSetup: Codable, Sendable {
    /// Base32 secret for manual entry in an authenticator app.
    public var secret: String
    public var otpauthUrl: String
}

public struct RecoveryCodes: Codable, Sendable {
    public var recoveryCodes: [String]
}

/// JSON Web Key Set (RFC 7517) of the Ed25519 verification keys.
public struct JWKS: Codable, Sendable, Equatable {
    public struct Key: Codable, Sendable, Equatable {
        public var kty = "OKP"
        public var crv = "Ed25519"
        public var alg = "EdDSA"
        public var use = "sig"
        public var kid: String
        public var x: String
    }

    public var keys: [Key]
}
