import AcmeCore
import AcmeDatabase
import Hummingbird

/// `/v1/documents/{id}/comments` and `/v1/comments/{id}`
struct CommentRoutes: Sendable {
    let service: DocumentService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.post("/v1/documents/{id}/comments") { request, context in
            let principal = try context.requirePrincipal(.documentsWrite)
            let documentId = try context.parameters.id("id", prefix: "doc")
            let (input, body) = try await request.decodeBodyAndBytes(DocumentService.CommentInput.self, context: context)
            let key = try request.idempotencyKey().map {
                IdempotencyKey(scope: "\(principal.userId):POST /v1/documents/\(documentId)/comments", key: $0, body: body.readableBytesView)
            }
            let (comment, replayed) = try await service.createComment(
                principal, documentId: documentId, input, idempotency: key, request: RequestInfo(request, context))
            var response = try JSONResponse(comment, status: .created).response(from: request, context: context)
            if replayed { response.headers[.idempotentReplayed] = "true" }
            return response
        }
        router.get("/v1/documents/{id}/comments") { request, context in
            try await service.comments(
                try context.requirePrincipal(), documentId: try context.parameters.id("id", prefix: "doc"),
                page: try DocumentRoutes.numberedPage(request))
        }
        router.patch("/v1/comments/{id}") { request, context in
            let principal = try context.requirePrincipal(.documentsWrite)
            let id = try context.parameters.id("id", prefix: "cmt")
            let input = try await request.decodeBody(DocumentService.CommentInput.self, context: context)
            return JSONResponse(try await service.updateComment(principal, id: id, input, request: RequestInfo(request, context)))
        }
        router.delete("/v1/comments/{id}") { request, context in
            let principal = try context.requirePrincipal(.documentsWrite)
            try await service.deleteComment(principal, id: try context.parameters.id("id", prefix: "cmt"), request: RequestInfo(request, context))
            return HTTPResponse.Status.noContent
        }
    }
}
