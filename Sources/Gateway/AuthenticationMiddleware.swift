import AcmeCore
import Hummingbird

/// Establishes `context.principal` from `Authorization: Bearer …`. A request without the header goes on
/// anonymous (routes that need a caller answer 401); a header that is present but wrong is a 401 here.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = AcmeRequestContext

    let authenticator: any Authenticator

    public init(authenticator: any Authenticator) {
        self.authenticator = authenticator
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw AcmeError.unauthorized("Use 'Authorization: Bearer <token>'.")
        }
        var context = context
        let principal = try await authenticator.authenticate(bearer: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        context.principal = principal
        context.logger[metadataKey: "userId"] = .string(principal.userId)
        return try await next(request, context)
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
