import AcmeCore
import Hummingbird

/// Signup, login, MFA verification, refresh, logout, password change and account deletion.
struct AuthRoutes: Sendable {
    let service: AuthService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.post("/v1/auth/signup") { request, context in
            let input = try await request.decodeBody(AuthService.SignupRequest.self, context: context)
            return JSONResponse(try await service.signup(input, request: RequestInfo(request, context)), status: .created)
        }
        router.post("/v1/auth/login") { request, context in
            let input = try await request.decodeBody(AuthService.LoginRequest.self, context: context)
            return JSONResponse(try await service.login(input, request: RequestInfo(request, context)))
        }
        router.post("/v1/auth/mfa/verify") { request, context in
            let input = try await request.decodeBody(AuthService.MFAVerifyRequest.self, context: context)
            return JSONResponse(try await service.verifyMFA(input, request: RequestInfo(request, context)))
        }
        router.post("/v1/auth/refresh") { request, context in
            let input = try await request.decodeBody(AuthService.RefreshRequest.self, context: context)
            return JSONResponse(try await service.refresh(input, request: RequestInfo(request, context)))
        }
        router.post("/v1/auth/logout") { request, context in
            try await service.logout(try context.requirePrincipal(), request: RequestInfo(request, context))
            return HTTPResponse.Status.noContent
        }
        router.post("/v1/auth/password") { request, context in
            let principal = try context.requirePrincipal()
            _ = try principal.requireSession()
            let input = try await request.decodeBody(AuthService.PasswordChange.self, context: context)
            try await service.changePassword(principal, input, request: RequestInfo(request, context))
            return HTTPResponse.Status.noContent
        }
        router.delete("/v1/auth/account") { request, context in
            let principal = try context.requirePrincipal()
            _ = try principal.requireSession()
            let input = try await request.decodeBody(AuthService.AccountDeletion.self, context: context)
            try await service.deleteAccount(principal, input, request: RequestInfo(request, context))
            return HTTPResponse.Status.noContent
        }
    }
}
