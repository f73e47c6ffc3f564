import HTTPTypes

/// The one error type every service throws for outcomes a client should see.
///
/// `ProblemMiddleware` (Gateway) turns it into an RFC 9457 `application/problem+json` response; nothing else
/// builds error responses. Anything that is not an `AcmeError` becomes a 500 with no detail leaked.
public enum AcmeError: Error, Sendable, Equatable {
    /// Syntactically broken request: malformed JSON, bad query parameter, bad id.
    case badRequest(String)
    /// Query parameters that cannot be parsed (limit, cursor, filters); one entry per parameter.
    case invalidQuery([FieldError])
    /// Well-formed request whose fields break the rules; one entry per field.
    case validation([FieldError])
    case unauthorized(String = "Authentication is required.")
    case forbidden(String = "You do not have permission to do this.")
    /// Also used for resources the caller may not know exist (another org's data): never 403 there.
    case notFound(String = "The resource does not exist.")
    case conflict(String)
    case gone(String)
    case preconditionFailed(String = "The resource has changed; fetch it again and retry with the new ETag.")
    case preconditionRequired(String = "This request must carry an If-Match header.")
    case payloadTooLarge(limit: Int)
    case unsupportedMediaType(String)
    case unprocessable(String)
    case tooManyRequests(retryAfterSeconds: Int)
    case unavailable(String = "The service is temporarily unavailable; retry shortly.")

    /// A single-field validation failure.
    public static func invalid(_ field: String, _ message: String) -> AcmeError {
        .validation([FieldError(field: field, message: message)])
    }

    public var status: HTTPResponse.Status {
        switch self {
        case .badRequest, .invalidQuery: .badRequest
        case .validation, .unprocessable: .unprocessableContent
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .gone: .gone
        case .preconditionFailed: .preconditionFailed
        case .preconditionRequired: .preconditionRequired
        case .payloadTooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .tooManyRequests: .tooManyRequests
        case .unavailable: .serviceUnavailable
        }
    }
}

/// One invalid field in a request body or query.
public struct FieldError: Codable, Sendable, Equatable {
    /// JSON path of the field, e.g. `email` or `scopes[2]`.
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
