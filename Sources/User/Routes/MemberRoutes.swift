import AcmeCore
import Hummingbird

/// `/v1/orgs/{orgId}/members`
struct MemberRoutes: Sendable {
    let service: UserService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.get("/v1/orgs/{orgId}/members") { request, context in
            try await service.members(
                try context.requirePrincipal(), orgId: try context.parameters.id("orgId", prefix: "org"),
                page: try PageRequest(request))
        }
        router.patch("/v1/orgs/{orgId}/members/{userId}") { request, context in
            let principal = try context.requirePrincipal(.orgsWrite)
            let orgId = try context.parameters.id("orgId", prefix: "org")
            let userId = try context.parameters.id("userId", prefix: "usr")
            let change = try await request.decodeBody(UserService.RoleChange.self, context: context)
            return try await service.changeRole(
                principal, orgId: orgId, userId: userId, to: try UserService.parseRole(change.role),
                request: RequestInfo(request, context))
        }
        router.delete("/v1/orgs/{orgId}/members/{userId}") { request, context in
            let principal = try context.requirePrincipal(.orgsWrite)
            try await service.removeMember(
                principal, orgId: try context.parameters.id("orgId", prefix: "org"),
                userId: try context.parameters.id("userId", prefix: "usr"), request: RequestInfo(request, context))
            return HTTPResponse.Status.noContent
        }
    }
}
extension Member: ResponseEncodable {}
