import AcmeCore
import Hummingbird

/// `/v1/users/me`
struct ProfileRoutes: Sendable {
    let service: UserService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.get("/v1/users/me") { _, context in
            let profile = try await service.me(try context.requirePrincipal())
            return Versioned(profile, version: profile.version)
        }
        router.patch("/v1/users/me") { request, context in
            let principal = try context.requirePrincipal(.profileWrite)
            let changes = try await request.decodeBody(UserService.ProfileChanges.self, context: context)
            let profile = try await service.updateMe(
                principal, changes, ifMatch: request.headers[.ifMatch], request: RequestInfo(request, context))
            return Versioned(profile, version: profile.version)
        }
    }
}
