import AcmeCore
import AcmeDatabase
import Hummingbird

/// `/v1/orgs/{orgId}/projects` and `/v1/projects/{projectId}`
struct ProjectRoutes: Sendable {
    let service: ProjectService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.post("/v1/orgs/{orgId}/projects") { request, context in
            let principal = try context.requirePrincipal(.projectsWrite)
            let orgId = try context.parameters.id("orgId", prefix: "org")
            let (input, body) = try await request.decodeBodyAndBytes(ProjectService.NewProject.self, context: context)
            let key = try request.idempotencyKey().map {
                IdempotencyKey(scope: "\(principal.userId):POST /v1/orgs/\(orgId)/projects", key: $0, body: body.readableBytesView)
            }
            let (created, replayed) = try await service.createProject(
                principal, orgId: orgId, input, idempotency: key, request: RequestInfo(request, context))
            var response = try Versioned(created.project, version: created.version, status: .created).response(from: request, context: context)
            if replayed { response.headers[.idempotentReplayed] = "true" }
            return response
        }
        router.get("/v1/orgs/{orgId}/projects") { request, context in
            let principal = try context.requirePrincipal()
            let orgId = try context.parameters.id("orgId", prefix: "org")
            return try await service.projects(principal, orgId: orgId, try Self.listParameters(request))
        }
        router.get("/v1/projects/{projectId}") { request, context in
            let (project, role) = try await service.project(try context.requirePrincipal(), id: try context.parameters.id("projectId", prefix: "prj"))
            return Versioned(ProjectView(project, role: role), version: project.version)
        }
        router.patch("/v1/projects/{projectId}") { request, context in
            let principal = try context.requirePrincipal(.projectsWrite)
            let id = try context.parameters.id("projectId", prefix: "prj")
            let changes = try await request.decodeBody(ProjectService.ProjectChanges.self, context: context)
            let (project, role) = try await service.updateProject(
                principal, id: id, changes, ifMatch: request.headers[.ifMatch], request: RequestInfo(request, context))
            return Versioned(ProjectView(project, role: role), version: project.version)
        }
        router.delete("/v1/projects/{projectId}") { request, context in
            let principal = try context.requirePrincipal(.projectsWrite)
            try await service.deleteProject(principal, id: try context.parameters.id("projectId", prefix: "prj"), request: RequestInfo(request, context))
            return HTTPResponse.Status.noContent
        }
        for (path, archived) in [("archive", true), ("unarchive", false)] {
            router.post("/v1/projects/{projectId}/\(path)") { request, context in
                let principal = try context.requirePrincipal(.projectsWrite)
                let (project, role) = try await service.setArchived(
                    principal, id: try context.parameters.id("projectId", prefix: "prj"), archived: archived,
                    request: RequestInfo(request, context))
                return Versioned(ProjectView(project, role: role), version: project.version)
            }
        }
    }

    /// `q`, `archived`, `sort`, `limit`, `cursor`, validated together so one response names every bad parameter.
    static func listParameters(_ request: Request) throws(AcmeError) -> ProjectService.ListParameters {
        let query = request.uri.queryParameters
        var errors: [FieldError] = []
        var search: String?
        if let q = query["q"].map(String.init)?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            if q.count > 100 { errors.append(FieldError(field: "q", message: "must be at most 100 characters")) }
            search = q
        }
        var archived = false
        if let raw = query["archived"] {
            switch raw {
            case "true": archived = true
            case "false": archived = false
            default: errors.append(FieldError(field: "archived", message: "must be true or false"))
            }
        }
        var sort = ProjectStore.Sort.name
        if let raw = query["sort"] {
            if let parsed = ProjectStore.Sort(rawValue: String(raw)) {
                sort = parsed
            } else {
                errors.append(FieldError(field: "sort", message: "must be name or -createdAt"))
            }
            if search != nil { errors.append(FieldError(field: "sort", message: "cannot be combined with q (results are ranked by similarity)")) }
        }
        var page = PageRequest()
        do {
            page = try PageRequest(request)
        } catch {
            if case .invalidQuery(let pageErrors) = error { errors += pageErrors }
        }
        let parameters = ProjectService.ListParameters(search: search, archived: archived, sort: sort, page: page)
        if let after = page.after, after.count != 3 || after[0] != parameters.cursorMode {
            errors.append(FieldError(field: "cursor", message: "is not a cursor for this ordering"))
        }
        guard errors.isEmpty else { throw .invalidQuery(errors) }
        return parameters
    }
}

extension ProjectMember: ResponseEncodable {}
