import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    public static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    public static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}

extension Request {
    /// The `Idempotency-Key` header: 1–255 visible ASCII characters, or 400.
    public func idempotencyKey() throws(AcmeError) -> String? {
        guard let key = headers[.idempotencyKey] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .badRequest("Idempotency-Key must be 1–255 visible ASCII characters.")
        }
        return key
    }

    /// `If-Match` for updates that require it: 428 when missing.
    public func requiredIfMatch() throws(AcmeError) -> String {
        guard let value = headers[.ifMatch], !value.isEmpty else { throw .preconditionRequired() }
        return value
    }

    /// Whether `If-None-Match` names the current ETag (the client's copy is fresh: answer 304).
    public func isFresh(etag: String) -> Bool {
        guard let value = headers[.ifNoneMatch] else { return false }
        return value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag || $0.trimmingCharacters(in: .whitespaces) == "*" }
    }

    /// Collects the body (within the context's limit) and decodes it as JSON, returning the raw bytes too
    /// (for idempotency fingerprints).
    public func decodeBodyAndBytes<T: Decodable>(_ type: T.Type, context: AcmeRequestContext) async throws -> (T, ByteBuffer) {
        let buffer = try await AcmeRequestDecoder.collect(self, limit: context.maxUploadSize)
        return (try AcmeRequestDecoder.decode(T.self, from: buffer), buffer)
    }
}

import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
