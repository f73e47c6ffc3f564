import AcmeCore
import Foundation
import Hummingbird

/// Serves the OpenAPI document at `/v1/openapi.yaml`.
struct OpenAPIRoutes: Sendable {
    let document: ByteBuffer

    static func load() throws -> OpenAPIRoutes {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return OpenAPIRoutes(document: ByteBuffer(bytes: try Data(contentsOf: url)))
    }

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.get("/v1/openapi.yaml") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/yaml", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: document))
        }
    }
}
