import Logging
import ServiceLifecycle

/// Checks hourly whether the signing key has reached its rotation age and rotates it, so long-running
/// servers rotate without a restart.
struct SigningKeyRotation: Service {
    let keys: SigningKeyRing
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
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
