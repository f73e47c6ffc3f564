import Logging
import ServiceLifecycle

/// Reads the signing keys every minute: rotates the signing key once it reaches its rotation age, so
/// long-running servers rotate without a restart, and picks up keys another instance added (so this one
/// verifies their tokens and signs with the newest key).
struct SigningKeyRotation: Service {
    let keys: SigningKeyRing
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
            } catch {
                return
            }
            do {
                try await keys.load()
            } catch {
                logger.error("signing key rotation check failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

extension AuthService {
    /// Background work the service needs beside the HTTP server.
    public var backgroundServices: [any Service] { [SigningKeyRotation(keys: keys, logger: logger)] }
}
