import Hummingbird

extension Request {
    /// Decodes the JSON body with the platform's rules (see `AcmeRequestDecoder`).
    public func decodeBody<T: Decodable>(_ type: T.Type, context: AcmeRequestContext) async throws -> T {
        try await decode(as: type, context: context)
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
