import Hummingbird
import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decodes JSON request bodies and turns every way they can be wrong into an `AcmeError`: wrong media
/// type (415), too large (413), malformed (400), wrong types, missing or unknown fields (422 with `errors[]`).
public struct AcmeRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        try Self.decode(T.self, from: try await Self.collect(request, limit: context.maxUploadSize))
    }

    /// The body of a JSON request, within `limit` bytes.
    public static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let contentType = request.headers[.contentType],
            !contentType.lowercased().hasPrefix("application/json")
        {
            throw AcmeError.unsupportedMediaType("Send the body as application/json.")
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw AcmeError.payloadTooLarge(limit: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw AcmeError.payloadTooLarge(limit: limit)
        }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws(AcmeError) -> T {
        guard buffer.readableBytes > 0 else { throw .badRequest("The request body is empty; send a JSON object.") }
        let decoder = JSONCoding.decoder()
        let data = Data(buffer.readableBytesView)
        do {
            if let strict = T.self as? any StrictDecodable.Type {
                let keys = try decoder.decode(TopLevelKeys.self, from: data).keys
                let unknown = keys.subtracting(strict.allowedKeys).sorted()
                if !unknown.isEmpty {
                    throw AcmeError.validation(unknown.map { FieldError(field: $0, message: "is not a known field") })
                }
            }
            return try decoder.decode(T.self, from: data)
        } catch let error as AcmeError {
            throw error
        } catch let error as DecodingError {
            throw Self.map(error)
        } catch {
            throw .badRequest("The request body is not valid JSON.")
        }
    }

    static func map(_ error: DecodingError) -> AcmeError {
        switch error {
        case .keyNotFound(let key, let context):
            return .validation([FieldError(field: path(context.codingPath + [key]), message: "is required")])
        case .valueNotFound(_, let context):
            return .validation([FieldError(field: path(context.codingPath), message: "must not be null")])
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty { return .badRequest("The request body must be a JSON object.") }
            return .validation([FieldError(field: path(context.codingPath), message: "must be \(describe(type))")])
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return .badRequest("The request body is not valid JSON.") }
            return .validation([FieldError(field: path(context.codingPath), message: context.debugDescription)])
        @unknown default:
            return .badRequest("The request body could not be decoded.")
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return result.isEmpty ? "body" : result
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is [Any].Type: "an array"
        default: type is any Collection.Type ? "an array" : "an object"
        }
    }
}

/// A request body that rejects fields it does not know (a misspelt field in a PATCH must not be ignored).
/// Conforming types declare their keys: `enum CodingKeys: String, CodingKey, CaseIterable`.
public protocol StrictDecodable: Decodable {
    associatedtype CodingKeys: CodingKey & CaseIterable
    static var allowedKeys: Set<String> { get }
}

extension StrictDecodable {
    public static var allowedKeys: Set<String> { Set(CodingKeys.allCases.map(\.stringValue)) }
}

private struct TopLevelKeys: Decodable {
    var keys: Set<String>

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        keys = Set(try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue))
    }
}
