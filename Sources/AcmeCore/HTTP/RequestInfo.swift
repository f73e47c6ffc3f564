import Hummingbird

/// Facts about the HTTP request that services record (sessions, audit entries) without depending on HTTP.
public struct RequestInfo: Sendable, Equatable {
    public var requestId: String
    public var ipAddress: String
    public var userAgent: String

    public init(requestId: String, ipAddress: String, userAgent: String) {
        self.requestId = requestId
        self.ipAddress = ipAddress
        self.userAgent = userAgent
    }

    /// For work that does not start from an HTTP request (consumers, jobs, tests).
    public static let system = RequestInfo(requestId: "", ipAddress: "", userAgent: "acme-server")
}

extension RequestInfo {
    public init(_ request: Request, _ context: AcmeRequestContext) {
        let agent = request.headers[.userAgent] ?? ""
        self.init(
            requestId: context.requestId, ipAddress: context.clientAddress,
            userAgent: String(agent.prefix(512)))
    }
}
