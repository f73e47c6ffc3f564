import AcmeCore
import Hummingbird

/// `/v1/auth/mfa/totp`
struct MFARoutes: Sendable {
    let service: AuthService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.post("/v1/auth/mfa/totp") { request, context in
            let principal = try context.requirePrincipal()
            _ = try principal.requireSession()
            // The body is optional: it is needed only by a session that signed in a while ago (see `beginTOTP`).
            let input = request.hasBody ? try await request.decodeBody(AuthService.TOTPStart.self, context: context) : nil
            return JSONResponse(try await service.beginTOTP(principal, password: input?.password, request: RequestInfo(request, context)))
        }
        router.post("/v1/auth/mfa/totp/enable") { request, context in
            let principal = try context.requirePrincipal()
            _ = try principal.requireSession()
            let input = try await request.decodeBody(AuthService.CodeRequest.self, context: context)
            return JSONResponse(try await service.enableTOTP(principal, input, request: RequestInfo(request, context)))
        }
        router.delete("/v1/auth/mfa/totp") { request, context in
            let principal = try context.requirePrincipal()
            _ = try principal.requireSession()
            let input = try await request.decodeBody(AuthService.CodeRequest.self, context: context)
            try await service.disableTOTP(principal, input, request: RequestInfo(request, context))
            return HTTPResponse.Status.noContent
        }
    }
}
