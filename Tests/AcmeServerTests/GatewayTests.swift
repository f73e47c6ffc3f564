import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct GatewayTests {
    @Test func clientsOverTheRateLimitGet429WithRetryAfter() async throws {
        try await TestApp.run(configure: { $0.rateLimit = 2; $0.rateLimitBurst = 3 }) { app in
            for _ in 0..<3 { #expect(try await app.request(.get, "/health/live").status == .ok) }
            let limited = try await app.request(.get, "/health/live")
            try limited.expectProblem(.tooManyRequests)
            #expect(limited.headers[.retryAfter] == "1")
            app.clock.advance(by: 1)
            #expect(try await app.request(.get, "/health/live").status == .ok)
        }
    }

    @Test func corsPreflightAndResponsesCarryTheHeaders() async throws {
        try await TestApp.run(configure: { $0.corsOrigins = ["https://app.example"] }) { app in
            let preflight = try await app.request(.options, "/v1/users/me", headers: [
                .origin: "https://app.example", .accessControlRequestMethod: "PATCH",
            ])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://app.example")
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("PATCH") == true)
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            let error = try await app.request(.get, "/v1/users/me", headers: [.origin: "https://app.example"])
            #expect(error.headers[.accessControlAllowOrigin] == "https://app.example")
            #expect(error.headers[.accessControlExposeHeaders]?.contains("X-Request-Id") == true)
            let foreign = try await app.request(.get, "/health/live", headers: [.origin: "https://evil.example"])
            #expect(foreign.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test func healthEndpointsReportDependencies() async throws {
        try await TestApp.run { app in
            let live = try await app.request(.get, "/health/live")
            #expect(live.status == .ok)
            let ready = try await app.request(.get, "/health/ready")
            #expect(ready.status == .ok)
            let checks = try #require(try ready.object()["checks"] as? [String: String])
            #expect(checks == ["auth": "ok", "user": "ok", "events": "ok", "project": "ok", "document": "ok", "search": "ok"])
            #expect(ready.headers[.init("X-Content-Type-Options")!] == "nosniff")
        }
    }
}
