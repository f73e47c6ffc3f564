import AcmeCore
import Hummingbird

/// `/v1/orgs/{orgId}/invitations` and `/v1/invitations/{token}/accept`
struct InvitationRoutes: Sendable {
    let service: UserService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.post("/v1/orgs/{orgId}/invitations") { request, context in
            let principal = try context.requirePrincipal(.orgsWrite)
            let orgId = try context.parameters.id("orgId", prefix: "org")
            let input = try await request.decodeBody(UserService.NewInvitation.self, context: context)
            let created = try await service.invite(principal, orgId: orgId, input, request: RequestInfo(request, context))
            return JSONResponse(created, status: .created)
        }
        router.get("/v1/orgs/{orgId}/invitations") { request, context in
            try await service.invitations(
                try context.requirePrincipal(), orgId: try context.parameters.id("orgId", prefix: "org"),
                page: try PageRequest(request))
        }
        router.delete("/v1/orgs/{orgId}/invitations/{invitationId}") { request, context in
            let principal = try context.requirePrincipal(.orgsWrite)
            try await service.revokeInvitation(
                principal, orgId: try context.parameters.id("orgId", prefix: "org"),
                invitationId: try context.parameters.id("invitationId", prefix: "inv"), request: RequestInfo(request, context))
            return HTTPResponse.Status.noContent
        }
        router.post("/v1/invitations/{token}/accept") { request, context in
            let principal = try context.requirePrincipal(.orgsWrite)
            let token = context.parameters.get("token") ?? ""
            let org = try await service.acceptInvitation(principal, token: token, request: RequestInfo(request, context))
            return JSONResponse(org)
        }
    }
}
