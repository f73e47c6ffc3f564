import AcmeCore
import Hummingbird

/// `/v1/orgs` and `/v1/orgs/{orgId}`
struct OrgRoutes: Sendable {
    let service: UserService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.post("/v1/orgs") { request, context in
            let principal = try context.requirePrincipal(.orgsWrite)
            let input = try await request.decodeBody(UserService.NewOrg.self, context: context)
            let (org, version) = try await service.createOrg(principal, input, request: RequestInfo(request, context))
            return Versioned(org, version: version, status: .created)
        }
        router.get("/v1/orgs") { request, context in
            try await service.orgs(try context.requirePrincipal(), page: try PageRequest(request))
        }
        router.get("/v1/orgs/{orgId}") { _, context in
            let (org, role) = try await service.org(try context.requirePrincipal(), id: try context.parameters.id("orgId", prefix: "org"))
            return Versioned(OrganizationView(org, role: role), version: org.version)
        }
        router.patch("/v1/orgs/{orgId}") { request, context in
            let principal = try context.requirePrincipal(.orgsWrite)
            let id = try context.parameters.id("orgId", prefix: "org")
            let changes = try await request.decodeBody(UserService.OrgChanges.self, context: context)
            let (org, role) = try await service.updateOrg(
                principal, id: id, changes, ifMatch: request.headers[.ifMatch], request: RequestInfo(request, context))
            return Versioned(OrganizationView(org, role: role), version: org.version)
        }
        router.delete("/v1/orgs/{orgId}") { request, context in
            let principal = try context.requirePrincipal(.orgsWrite)
            try await service.deleteOrg(principal, id: try context.parameters.id("orgId", prefix: "org"), request: RequestInfo(request, context))
            return HTTPResponse.Status.noContent
        }
    }
}
