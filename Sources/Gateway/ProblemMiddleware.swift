import AcmeCore
import Hummingbird
import Logging
import NIOCore

/// The one place where errors become responses: `AcmeError` maps to its problem, framework errors
/// (unknown route, body too large) to theirs, and anything else to a bare 500 that leaks nothing.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = AcmeRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, request: request, context: context)
        }
    }

    static func response(for error: any Error, request: Request, context: Context) -> Response {
        var headers = HTTPFields()
        var problem: Problem
        switch error {
        case let error as AcmeError:
            problem = Problem(error)
            if case .tooManyRequests(let seconds) = error { headers[.retryAfter] = String(seconds) }
            if case .unauthorized = error { headers[.wwwAuthenticate] = "Bearer realm=\"acme\"" }
        case let error as HTTPError:
            problem = Self.problem(for: error, context: context)
        case is NIOTooManyBytesError:
            problem = Problem(.payloadTooLarge(limit: context.maxUploadSize))
        default:
            context.logger.error("unhandled error", metadata: [
                "error": "\(String(reflecting: error))", "path": "\(request.uri.path)", "method": "\(request.method)",
            ])
            problem = .internalError()
        }
        problem.requestId = context.requestId.isEmpty ? nil : context.requestId
        problem.instance = request.uri.path
        let body = (try? JSONCoding.encoder().encode(problem)) ?? Array("{}".utf8).withUnsafeBytes { Data($0) }
        headers[.contentType] = Problem.mediaType
        headers[.contentLength] = String(body.count)
        headers[.cacheControl] = "no-store"
        return Response(
            status: .init(code: problem.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func problem(for error: HTTPError, context: Context) -> Problem {
        switch error.status {
        case .notFound:
            return Problem(slug: "not-found", status: .notFound, detail: "No route matches this path.")
        case .methodNotAllowed:
            return Problem(slug: "method-not-allowed", status: .methodNotAllowed, detail: "The path does not support this method.")
        case .contentTooLarge:
            return Problem(.payloadTooLarge(limit: context.maxUploadSize))
        case let status where (400..<500).contains(status.code):
            return Problem(slug: "bad-request", status: status, detail: error.body ?? status.reasonPhrase)
        default:
            context.logger.error("framework error", metadata: ["status": "\(error.status.code)", "error": "\(error)"])
            return .internalError()
        }
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
