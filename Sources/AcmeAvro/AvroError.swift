/// Everything that can go wrong in AcmeAvro. Each case carries enough context for a clear message;
/// `description` is that message.
public enum AvroError: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON text (a schema, a default, an event) is not well-formed JSON.
    case invalidJSON(String)
    /// A schema is malformed or violates the specification's rules.
    case invalidSchema(String)
    /// The input ended before a value was complete.
    case truncated(String)
    /// A varint is longer than its type allows or its value does not fit.
    case invalidVarint(String)
    /// A length or count prefix is negative or larger than the input (or a configured limit) allows.
    case invalidLength(String)
    /// A string's bytes are not valid UTF-8.
    case invalidUTF8(String)
    /// A union branch index or enum symbol index is out of range.
    case invalidIndex(String)
    /// Nesting is deeper than the configured limit.
    case depthLimitExceeded(Int)
    /// Bytes remain after the value was decoded.
    case trailingBytes(Int)
    /// A value does not match the schema it is encoded or converted with.
    case valueMismatch(String)
    /// Data written with one schema cannot be read with another.
    case resolution(String)
    /// An Object Container File is malformed.
    case invalidContainer(String)
    /// Compression or decompression failed, or the codec is not supported.
    case codec(String)

    public var description: String {
        switch self {
        case .invalidJSON(let detail): "invalid JSON: \(detail)"
        case .invalidSchema(let detail): "invalid Avro schema: \(detail)"
        case .truncated(let detail): "truncated Avro data: \(detail)"
        case .invalidVarint(let detail): "invalid varint: \(detail)"
        case .invalidLength(let detail): "invalid length: \(detail)"
        case .invalidUTF8(let detail): "invalid UTF-8: \(detail)"
        case .invalidIndex(let detail): "invalid index: \(detail)"
        case .depthLimitExceeded(let limit): "nesting deeper than the limit of \(limit) levels"
        case .trailingBytes(let count): "\(count) unexpected byte(s) after the value"
        case .valueMismatch(let detail): "value does not match the schema: \(detail)"
        case .resolution(let detail): "cannot resolve writer and reader schemas: \(detail)"
        case .invalidContainer(let detail): "invalid Avro container file: \(detail)"
        case .codec(let detail): "codec error: \(detail)"
        }
    }
}

extension AvroError {
    /// The same error with `component` prepended to its location, a JSON-pointer-like path
    /// (`/payload/tags/2: expected a string`), so nested failures say where they happened.
    func located(at component: String) -> AvroError {
        func prefixed(_ detail: String) -> String {
            "/" + component + (detail.hasPrefix("/") ? detail : ": " + detail)
        }
        switch self {
        case .invalidJSON(let detail): return .invalidJSON(prefixed(detail))
        case .invalidSchema(let detail): return .invalidSchema(prefixed(detail))
        case .truncated(let detail): return .truncated(prefixed(detail))
        case .invalidVarint(let detail): return .invalidVarint(prefixed(detail))
        case .invalidLength(let detail): return .invalidLength(prefixed(detail))
        case .invalidUTF8(let detail): return .invalidUTF8(prefixed(detail))
        case .invalidIndex(let detail): return .invalidIndex(prefixed(detail))
        case .valueMismatch(let detail): return .valueMismatch(prefixed(detail))
        case .resolution(let detail): return .resolution(prefixed(detail))
        case .invalidContainer(let detail): return .invalidContainer(prefixed(detail))
        case .codec(let detail): return .codec(prefixed(detail))
        case .depthLimitExceeded, .trailingBytes: return self
        }
    }
}
