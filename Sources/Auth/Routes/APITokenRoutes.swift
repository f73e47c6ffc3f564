import AcmeCore
import Hummingbird

/// `/v1/auth/tokens`
struct APITokenRoutes: Sendable {
    let service: AuthService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.post("/v1/auth/tokens") { request, context in
            let principal = try context.requirePrincipal()
            _ = try principal.requireSession()
            let input = try await request.decodeBody(AuthService.NewAPIToken.self, context: context)
            return JSONResponse(try await service.createAPIToken(principal, input, request: RequestInfo(request, context)), status: .created)
        }
        router.get("/v1/auth/tokens") { request, context in
            try await service.listAPITokens(try context.requirePrincipal(), page: try PageRequest(request))
        }
        router.delete("/v1/auth/tokens/{tokenId}") { request, context in
            let principal = try context.requirePrincipal()
            try await service.revokeAPIToken(
                principal, id: try context.parameters.id("tokenId", prefix: "tok"), request: RequestInfo(request, context))
            return HTTPResponse.Status.noContent
        }
    }
}
