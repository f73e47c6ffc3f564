import AcmeCore
import Hummingbird

/// `/v1/documents/{id}/versions`
struct DocumentVersionRoutes: Sendable {
    let service: DocumentService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.get("/v1/documents/{id}/versions") { request, context in
            try await service.versions(
                try context.requirePrincipal(), documentId: try context.parameters.id("id", prefix: "doc"),
                page: try DocumentRoutes.numberedPage(request))
        }
        router.get("/v1/documents/{id}/versions/{n}") { request, context in
            let version = try await service.version(
                try context.requirePrincipal(), documentId: try context.parameters.id("id", prefix: "doc"),
                number: try Self.versionNumber(context))
            return JSONResponse(version)
        }
        router.post("/v1/documents/{id}/versions/{n}/restore") { request, context in
            let principal = try context.requirePrincipal(.documentsWrite)
            let document = try await service.restoreVersion(
                principal, documentId: try context.parameters.id("id", prefix: "doc"), number: try Self.versionNumber(context),
                request: RequestInfo(request, context))
            return Versioned(document, version: document.version)
        }
    }

    /// `{n}`: a positive integer in plain digits; anything else names no version (404).
    static func versionNumber(_ context: AcmeRequestContext) throws(AcmeError) -> Int64 {
        guard let raw = context.parameters.get("n"), (1...18).contains(raw.utf8.count),
            raw.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let number = Int64(raw), number > 0
        else { throw .notFound() }
        return number
    }
}
