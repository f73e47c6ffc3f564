import AcmeCore
import Hummingbird

/// `/health/live` (the process answers) and `/health/ready` (every dependency answers).
public struct HealthRoutes: Sendable {
    public typealias Check = @Sendable () async throws -> Void

    struct Status: ResponseEncodable, Sendable {
        var status: String
        var checks: [String: String]?
    }

    let checks: [(name: String, check: Check)]

    public init(checks: [(name: String, check: Check)]) {
        self.checks = checks
    }

    public func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.get("/health/live") { _, _ in Status(status: "ok", checks: nil) }
        router.get("/health/ready") { request, context in
            var results: [String: String] = [:]
            var healthy = true
            for (name, check) in checks {
                do {
                    try await check()
                    results[name] = "ok"
                } catch {
                    healthy = false
                    results[name] = "failing"
                    context.logger.warning("readiness check failed", metadata: ["check": "\(name)", "error": "\(error)"])
                }
            }
            return JSONResponse(Status(status: healthy ? "ok" : "unavailable", checks: results), status: healthy ? .ok : .serviceUnavailable)
        }
    }
}
