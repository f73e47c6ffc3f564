import AcmeCore
import Hummingbird

/// `/v1/auth/sessions`
struct SessionRoutes: Sendable {
    let service: AuthService

    struct SessionList: ResponseEncodable, Sendable {
        var items: [SessionInfo]
    }

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.get("/v1/auth/sessions") { _, context in
            SessionList(items: try await service.listSessions(try context.requirePrincipal()))
        }
        router.delete("/v1/auth/sessions/{sessionId}") { request, context in
            let principal = try context.requirePrincipal()
            try await service.revokeSession(
                principal, sessionId: try context.parameters.id("sessionId", prefix: "ses"), request: RequestInfo(request, context))
            return HTTPResponse.Status.noContent
        }
    }
}
