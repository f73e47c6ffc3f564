/// A datum, shaped by the schema it is written or read with.
///
/// Logical types keep their underlying representation (`timestamp-millis` is `.long`). A union value is
/// always `.union(branch:value:)`, so encoding never has to guess the branch.
public indirect enum AvroValue: Sendable, Hashable {
    case null
    case boolean(Bool)
    case int(Int32)
    case long(Int64)
    case float(Float)
    case double(Double)
    case bytes([UInt8])
    case string(String)
    /// Field values by field name; every field of the record schema must be present.
    case record([String: AvroValue])
    /// The symbol (not its index).
    case enumeration(String)
    case array([AvroValue])
    case map([String: AvroValue])
    /// The index of the branch in the union schema and the branch's value.
    case union(branch: Int, value: AvroValue)
    case fixed([UInt8])

    /// A short name for messages.
    var kind: String {
        switch self {
        case .null: "null"
        case .boolean: "boolean"
        case .int: "int"
        case .long: "long"
        case .float: "float"
        case .double: "double"
        case .bytes: "bytes"
        case .string: "string"
        case .record: "record"
        case .enumeration: "enum"
        case .array: "array"
        case .map: "map"
        case .union: "union"
        case .fixed: "fixed"
        }
    }
}
