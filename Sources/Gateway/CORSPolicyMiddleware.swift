import AcmeCore
import HTTPTypes
import Hummingbird

/// CORS for browser clients: answers preflights and adds the allow headers. Any origin is allowed when
/// the list is empty (credentials are bearer headers, never cookies, so a foreign page gains nothing).
public struct CORSPolicyMiddleware: RouterMiddleware {
    public typealias Context = AcmeRequestContext

    let origins: Set<String>
    static let allowMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
    static let allowHeaders = "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id"
    static let exposeHeaders = "ETag, Location, Retry-After, X-Request-Id"

    public init(origins: [String]) {
        self.origins = Set(origins)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = origins.isEmpty ? "*" : (origins.contains(origin) ? origin : nil)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var response = Response(status: .noContent)
            if let allowed {
                response.headers[.accessControlAllowOrigin] = allowed
                response.headers[.accessControlAllowMethods] = Self.allowMethods
                response.headers[.accessControlAllowHeaders] = Self.allowHeaders
                response.headers[.accessControlMaxAge] = "600"
            }
            if !origins.isEmpty { response.headers[.vary] = "Origin" }
            return response
        }
        var response = try await next(request, context)
        if let allowed {
            response.headers[.accessControlAllowOrigin] = allowed
            response.headers[.accessControlExposeHeaders] = Self.exposeHeaders
        }
        if !origins.isEmpty { response.headers[.vary] = "Origin" }
        return response
    }
}
