import AcmeCore
import Hummingbird

/// `/v1/projects/{projectId}/settings`
struct ProjectSettingsRoutes: Sendable {
    let service: ProjectService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.get("/v1/projects/{projectId}/settings") { request, context in
            let (settings, version) = try await service.settings(
                try context.requirePrincipal(), projectId: try context.parameters.id("projectId", prefix: "prj"))
            if request.isFresh(etag: ETag.make(version: version)) {
                return Response(status: .notModified, headers: [.eTag: ETag.make(version: version)])
            }
            return try Versioned(settings, version: version).response(from: request, context: context)
        }
        router.patch("/v1/projects/{projectId}/settings") { request, context in
            let principal = try context.requirePrincipal(.projectsWrite)
            let projectId = try context.parameters.id("projectId", prefix: "prj")
            let changes = try await request.decodeBody(ProjectService.SettingsChanges.self, context: context)
            let (settings, version) = try await service.updateSettings(
                principal, projectId: projectId, changes, ifMatch: request.headers[.ifMatch], request: RequestInfo(request, context))
            return Versioned(settings, version: version)
        }
    }
}
