import Hummingbird

/// A JSON response with an `ETag` of the resource's version (and an optional status, e.g. 201).
public struct Versioned<Body: Encodable & Sendable>: ResponseGenerator {
    public var body: Body
    public var version: Int64
    public var status: HTTPResponse.Status

    public init(_ body: Body, version: Int64, status: HTTPResponse.Status = .ok) {
        self.body = body
        self.version = version
        self.status = status
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(body, from: request, context: context)
        response.status = status
        response.headers[.eTag] = ETag.make(version: version)
        return response
    }
}

/// A JSON response with a chosen status (201 for creations).
public struct JSONResponse<Body: Encodable & Sendable>: ResponseGenerator {
    public var body: Body
    public var status: HTTPResponse.Status

    public init(_ body: Body, status: HTTPResponse.Status = .ok) {
        self.body = body
        self.status = status
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(body, from: request, context: context)
        response.status = status
        return response
    }
}
