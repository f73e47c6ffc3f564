import AcmeCore
import AcmeDatabase
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `/v1/projects/{projectId}/documents` and `/v1/documents/{id}`
struct DocumentRoutes: Sendable {
    let service: DocumentService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.post("/v1/projects/{projectId}/documents") { request, context in
            let principal = try context.requirePrincipal(.documentsWrite)
            let projectId = try context.parameters.id("projectId", prefix: "prj")
            // Bodies up to 1 MiB may take several MiB as escaped JSON; the field itself is checked by the service.
            var context = context
            context.maxUploadSize = DocumentService.maxRequestBytes
            let (input, body) = try await request.decodeBodyAndBytes(DocumentService.NewDocument.self, context: context)
            let key = try request.idempotencyKey().map {
                IdempotencyKey(scope: "\(principal.userId):POST /v1/projects/\(projectId)/documents", key: $0, body: body.readableBytesView)
            }
            let (document, replayed) = try await service.createDocument(
                principal, projectId: projectId, input, idempotency: key, request: RequestInfo(request, context))
            var response = try Versioned(document, version: document.version, status: .created).response(from: request, context: context)
            if replayed { response.headers[.idempotentReplayed] = "true" }
            return response
        }
        router.get("/v1/projects/{projectId}/documents") { request, context in
            let principal = try context.requirePrincipal()
            let projectId = try context.parameters.id("projectId", prefix: "prj")
            return try await service.documents(principal, projectId: projectId, try Self.listParameters(request))
        }
        router.get("/v1/documents/{id}") { request, context in
            let (document, json) = try await service.document(
                try context.requirePrincipal(), id: try context.parameters.id("id", prefix: "doc"))
            let etag = ETag.make(version: document.version)
            if request.isFresh(etag: etag) {
                return Response(status: .notModified, headers: [.eTag: etag])
            }
            // The JSON comes encoded (and cached) by the service: what `Versioned` would send, without re-encoding.
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(json.readableBytes), .eTag: etag],
                body: .init(byteBuffer: json))
        }
        router.patch("/v1/documents/{id}") { request, context in
            let principal = try context.requirePrincipal(.documentsWrite)
            let id = try context.parameters.id("id", prefix: "doc")
            let ifMatch = try request.requiredIfMatch()
            var context = context
            context.maxUploadSize = DocumentService.maxRequestBytes
            let changes = try await request.decodeBody(DocumentService.DocumentChanges.self, context: context)
            let document = try await service.updateDocument(
                principal, id: id, changes, ifMatch: ifMatch, request: RequestInfo(request, context))
            return Versioned(document, version: document.version)
        }
        router.delete("/v1/documents/{id}") { request, context in
            let principal = try context.requirePrincipal(.documentsWrite)
            try await service.deleteDocument(principal, id: try context.parameters.id("id", prefix: "doc"), request: RequestInfo(request, context))
            return HTTPResponse.Status.noContent
        }
        router.post("/v1/documents/{id}/restore") { request, context in
            let principal = try context.requirePrincipal(.documentsWrite)
            let document = try await service.restoreDocument(
                principal, id: try context.parameters.id("id", prefix: "doc"), request: RequestInfo(request, context))
            return Versioned(document, version: document.version)
        }
    }

    /// `tag`, `updatedSince`, `limit`, `cursor`, validated together so one response names every bad parameter.
    static func listParameters(_ request: Request) throws(AcmeError) -> DocumentService.ListParameters {
        let query = request.uri.queryParameters
        var errors: [FieldError] = []
        var tag: String?
        if let raw = query["tag"].map(String.init), !raw.isEmpty {
            var validator = Validator()
            tag = Tags.normalize([raw], field: "tag", max: 1, into: &validator).first
            if !validator.errors.isEmpty {
                errors.append(FieldError(field: "tag", message: "must be 1–\(Tags.maxLength) letters, digits, - or _"))
            }
        }
        var updatedSince: Date?
        if let raw = query["updatedSince"].map(String.init) {
            updatedSince = Timestamp.parse(raw)
            if updatedSince == nil {
                errors.append(FieldError(field: "updatedSince", message: "must be an ISO-8601 timestamp such as 2026-01-31T12:00:00Z"))
            }
        }
        var page = PageRequest()
        do {
            page = try PageRequest(request)
        } catch {
            if case .invalidQuery(let pageErrors) = error { errors += pageErrors }
        }
        if let after = page.after, after.count != 2 || Int64(after[0]) == nil {
            errors.append(FieldError(field: "cursor", message: "is not a cursor returned by this endpoint"))
        }
        guard errors.isEmpty else { throw .invalidQuery(errors) }
        return DocumentService.ListParameters(tag: tag, updatedSince: updatedSince, page: page)
    }

    /// `limit` and `cursor` of lists keyed by one integer (version numbers, comment sequence numbers).
    static func numberedPage(_ request: Request) throws(AcmeError) -> PageRequest {
        let page = try PageRequest(request)
        if let after = page.after, after.count != 1 || Int64(after[0]) == nil {
            throw .invalidQuery([FieldError(field: "cursor", message: "is not a cursor returned by this endpoint")])
        }
        return page
    }
}
