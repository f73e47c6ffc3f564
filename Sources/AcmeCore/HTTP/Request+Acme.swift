import Hummingbird

extension Request {
    /// Decodes the JSON body with the platform's rules (see `AcmeRequestDecoder`).
    public func decodeBody<T: Decodable>(_ type: T.Type, context: AcmeRequestContext) async throws -> T {
        try await decode(as: type, context: context)
    }

    /// Whether the request says it carries a body (a length above zero, or a chunked one).
    public var hasBody: Bool {
        if let length = headers[.contentLength] { return Int(length).map { $0 > 0 } ?? true }
        return headers[.transferEncoding] != nil
    }
}

extension Parameters {
    /// A path id with the expected prefix. A malformed id cannot name anything, so it is a 404 like any
    /// unknown id (and costs no query).
    public func id(_ name: String, prefix: String) throws(AcmeError) -> String {
        guard let value = self.get(name), AcmeID.isValid(value, prefix: prefix) else {
            throw .notFound()
        }
        return value
    }
}
