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
                let keys = try TopLevelKeys.scan(buffer.readableBytesView) ?? decoder.decode(TopLevelKeys.self, from: data).keys
                let unknown = keys.filter { !strict.allows($0) }.sorted()
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
/// Conforming types declare their keys: `enum CodingKeys: String, CodingKey`.
public protocol StrictDecodable: Decodable {
    associatedtype CodingKeys: CodingKey
}

extension StrictDecodable {
    /// Whether `key` is one of the body's fields (asked of the keys enum, without building a set per request).
    static func allows(_ key: String) -> Bool { CodingKeys(stringValue: key) != nil }
}

struct TopLevelKeys: Decodable {
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

    /// The keys of a top-level JSON object, found by skimming the bytes instead of parsing the whole body
    /// a second time. Nil when the body is not a plain object or a key has escapes: the full decoder then
    /// decides (and reports malformed JSON).
    static func scan(_ bytes: some Collection<UInt8>) -> Set<String>? {
        var keys = Set<String>()
        var index = bytes.startIndex
        func skipSpace() {
            while index < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index = bytes.index(after: index) }
        }
        /// Moves past a string starting at the opening quote; returns its raw content if it has no escapes.
        func skipString() -> String?? {
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index = bytes.index(after: index)
            let start = index
            var escaped = false
            while index < bytes.endIndex {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    index = bytes.index(after: index)
                    if index < bytes.endIndex { index = bytes.index(after: index) }
                    continue
                }
                if byte == UInt8(ascii: "\"") {
                    let text = escaped ? nil : String(decoding: bytes[start..<index], as: UTF8.self)
                    index = bytes.index(after: index)
                    return .some(text)
                }
                index = bytes.index(after: index)
            }
            return nil
        }
        /// Moves past one value (string, object, array or scalar), counting nesting.
        func skipValue() -> Bool {
            guard index < bytes.endIndex else { return false }
            if bytes[index] == UInt8(ascii: "\"") { return skipString() != nil }
            var depth = 0
            while index < bytes.endIndex {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    guard skipString() != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return true }
                    depth -= 1
                case UInt8(ascii: ","):
                    if depth == 0 { return true }
                default: break
                }
                index = bytes.index(after: index)
                if depth == 0, byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { return true }
            }
            return depth == 0
        }
        skipSpace()
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "{") else { return nil }
        index = bytes.index(after: index)
        skipSpace()
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "}") { return keys }
        while true {
            skipSpace()
            guard case .some(.some(let key)) = skipString() else { return nil }
            keys.insert(key)
            skipSpace()
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { return nil }
            index = bytes.index(after: index)
            skipSpace()
            guard skipValue() else { return nil }
            skipSpace()
            guard index < bytes.endIndex else { return nil }
            if bytes[index] == UInt8(ascii: "}") { return keys }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index = bytes.index(after: index)
        }
    }
}
