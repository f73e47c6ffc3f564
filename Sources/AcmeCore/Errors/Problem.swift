import HTTPTypes

/// RFC 9457 problem details, the body of every error response.
public struct Problem: Codable, Sendable, Equatable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var instance: String?
    public var requestId: String?
    public var errors: [FieldError]?

    public init(
        type: String, title: String, status: Int, detail: String? = nil, instance: String? = nil,
        requestId: String? = nil, errors: [FieldError]? = nil
    ) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.requestId = requestId
        self.errors = errors
    }

    public static let mediaType = "application/problem+json"
}

extension Problem {
    /// The problem for an `AcmeError`. `type` URIs are stable identifiers documented in the OpenAPI document.
    public init(_ error: AcmeError) {
        let status = error.status
        switch error {
        case .badRequest(let detail):
            self.init(slug: "bad-request", status: status, detail: detail)
        case .invalidQuery(let errors):
            self.init(slug: "invalid-query", status: status, detail: "The query has invalid parameters.", errors: errors)
        case .validation(let errors):
            self.init(slug: "validation", status: status, detail: "The request has invalid fields.", errors: errors)
        case .unauthorized(let detail):
            self.init(slug: "unauthorized", status: status, detail: detail)
        case .forbidden(let detail):
            self.init(slug: "forbidden", status: status, detail: detail)
        case .notFound(let detail):
            self.init(slug: "not-found", status: status, detail: detail)
        case .conflict(let detail):
            self.init(slug: "conflict", status: status, detail: detail)
        case .gone(let detail):
            self.init(slug: "gone", status: status, detail: detail)
        case .preconditionFailed(let detail):
            self.init(slug: "precondition-failed", status: status, detail: detail)
        case .preconditionRequired(let detail):
            self.init(slug: "precondition-required", status: status, detail: detail)
        case .payloadTooLarge(let limit):
            self.init(slug: "payload-too-large", status: status, detail: "The request body exceeds \(limit) bytes.")
        case .unsupportedMediaType(let detail):
            self.init(slug: "unsupported-media-type", status: status, detail: detail)
        case .unprocessable(let detail):
            self.init(slug: "unprocessable", status: status, detail: detail)
        case .tooManyRequests(let seconds):
            self.init(slug: "rate-limited", status: status, detail: "Too many requests; retry in \(seconds) s.")
        case .unavailable(let detail):
            self.init(slug: "unavailable", status: status, detail: detail)
        }
    }

    public static func internalError() -> Problem {
        Problem(slug: "internal", status: .internalServerError, detail: "An unexpected error occurred.")
    }

    public init(slug: String, status: HTTPResponse.Status, detail: String?, errors: [FieldError]? = nil) {
        self.init(
            type: "https://acme.dev/problems/\(slug)", title: status.reasonPhrase, status: status.code,
            detail: detail, errors: errors)
    }
}
