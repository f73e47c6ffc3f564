import AcmeCore
import Hummingbird

/// `/v1/projects/{projectId}/members`
struct ProjectMemberRoutes: Sendable {
    let service: ProjectService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.get("/v1/projects/{projectId}/members") { request, context in
            try await service.members(
                try context.requirePrincipal(), projectId: try context.parameters.id("projectId", prefix: "prj"), page: try PageRequest(request))
        }
        router.put("/v1/projects/{projectId}/members/{userId}") { request, context in
            let principal = try context.requirePrincipal(.projectsWrite)
            let projectId = try context.parameters.id("projectId", prefix: "prj")
            let userId = try context.parameters.id("userId", prefix: "usr")
            let input = try await request.decodeBody(ProjectService.MemberRole.self, context: context)
            let (member, created) = try await service.putMember(
                principal, projectId: projectId, userId: userId, input, request: RequestInfo(request, context))
            return JSONResponse(member, status: created ? .created : .ok)
        }
        router.delete("/v1/projects/{projectId}/members/{userId}") { request, context in
            let principal = try context.requirePrincipal(.projectsWrite)
            try await service.removeMember(
                principal, projectId: try context.parameters.id("projectId", prefix: "prj"),
                userId: try context.parameters.id("userId", prefix: "usr"), request: RequestInfo(request, context))
            return HTTPResponse.Status.noContent
        }
    }
}
