import AcmeCore
import AcmeDatabase
import AcmeEvents
import Hummingbird
import Logging
import User

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Auth service: credentials, sessions, MFA, API tokens and the keys that sign access tokens.
public struct AuthService: AuthAPI {
    public struct Settings: Sendable {
        public var bcryptCost = 12
        public var accessTokenLifetime: TimeInterval = 15 * 60
        public var refreshTokenLifetime: TimeInterval = 30 * 24 * 3600
        public var mfaChallengeLifetime: TimeInterval = 5 * 60
        public var signingKeyRotation: TimeInterval = 30 * 24 * 3600
        /// Login attempts per client address per minute.
        public var loginAttemptsPerAddress = 20
        /// Sign-ups per client address per hour: each costs a bcrypt hash, and a flood of them would queue
        /// ahead of logins.
        public var signupsPerAddress = 20
        /// Failed logins per account before it is throttled (refilling over 15 minutes).
        public var failedLoginsPerAccount = 10
        public var maxAPITokensPerUser = 50

        public init() {}
    }

    public static let migrations: [any Migration] = [CreateAuthTables(), Outbox.migration]

    let outbox: Outbox
    let users: any UserAPI
    let settings: Settings
    let clock: any WallClock
    let logger: Logger
    let hasher: PasswordHasher
    let policy: PasswordPolicy
    let keys: SigningKeyRing
    /// Recently verified credentials (access tokens, API tokens) and their principals, so steady traffic
    /// skips signature checks and session lookups. Revocations in this process drop entries at once.
    let cache = ExpiringCache<String, Principal>(lifetime: 30, capacity: 20_000)
    let loginsByAddress: RateLimiter
    let signupsByAddress: RateLimiter
    let failuresByAccount: RateLimiter
    /// Second-factor tries per account (by id), across its MFA challenges.
    let failedSecondFactors: RateLimiter
    let accounts: AuthStore
    let sessions = SessionStore()
    let apiTokens = APITokenStore()

    var database: any Database { outbox.database }

    /// Builds the service and loads (or creates) its signing keys; run after migrations.
    /// `secrets` seals the secrets Auth must read back (TOTP seeds, signing keys) before they are stored.
    public static func start(
        outbox: Outbox, users: any UserAPI, secrets: SecretBox, settings: Settings, clock: any WallClock, logger: Logger
    ) async throws -> AuthService {
        let service = try AuthService(outbox: outbox, users: users, secrets: secrets, settings: settings, clock: clock, logger: logger)
        try await service.keys.load()
        return service
    }

    init(outbox: Outbox, users: any UserAPI, secrets: SecretBox, settings: Settings, clock: any WallClock, logger: Logger) throws {
        self.outbox = outbox
        self.accounts = AuthStore(secrets: secrets)
        self.users = users
        self.settings = settings
        self.clock = clock
        self.logger = logger
        self.hasher = PasswordHasher(cost: settings.bcryptCost)
        self.policy = try PasswordPolicy.bundled()
        self.keys = SigningKeyRing(
            database: outbox.database, secrets: secrets, clock: clock, tokenLifetime: settings.accessTokenLifetime,
            rotationInterval: settings.signingKeyRotation)
        self.loginsByAddress = RateLimiter(capacity: settings.loginAttemptsPerAddress, period: .seconds(60), clock: clock)
        self.signupsByAddress = RateLimiter(capacity: settings.signupsPerAddress, period: .seconds(3600), clock: clock)
        self.failuresByAccount = RateLimiter(capacity: settings.failedLoginsPerAccount, period: .seconds(15 * 60), clock: clock)
        self.failedSecondFactors = RateLimiter(capacity: settings.failedLoginsPerAccount, period: .seconds(15 * 60), clock: clock)
    }

    public func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        AuthRoutes(service: self).addRoutes(to: router)
        SessionRoutes(service: self).addRoutes(to: router)
        MFARoutes(service: self).addRoutes(to: router)
        APITokenRoutes(service: self).addRoutes(to: router)
        router.get("/.well-known/jwks.json") { request, context in
            var response = try JSONResponse(await jwks()).response(from: request, context: context)
            response.headers[.cacheControl] = "public, max-age=300"
            return response
        }
    }

    public func jwks() async -> JWKS { keys.jwks() }

    /// Adds a signing key and retires the current one (old tokens stay valid until they expire).
    public func rotateSigningKey() async throws {
        try await keys.rotate()
    }
}
