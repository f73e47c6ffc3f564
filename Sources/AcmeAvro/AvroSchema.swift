/// An Avro schema (specification 1.11).
///
/// Named types (record, enum, fixed) are defined once, where they first appear in document order; every later
/// use, including a record's use of itself, is `.reference(fullname)`. `AvroNames` maps those names back to
/// their definitions. Parse one with `AvroSchema(parsing:)`; render it with `canonicalForm` or `jsonText`.
public indirect enum AvroSchema: Sendable, Hashable {
    case null
    case boolean
    case int
    case long
    case float
    case double
    case bytes
    case string
    case record(Record)
    case enumeration(Enumeration)
    case array(items: AvroSchema)
    case map(values: AvroSchema)
    /// Branches in order; a value is written as its branch index followed by the branch's encoding.
    case union([AvroSchema])
    case fixed(Fixed)
    /// A logical type annotating its underlying type; it changes how values are interpreted, never how they
    /// are encoded.
    case logical(LogicalType, AvroSchema)
    /// A use of the named type with this fullname, defined earlier in the same schema.
    case reference(String)

    /// The names of the primitive types, which no named type may take.
    static let primitiveNames: Set<String> = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]

    /// The schema without logical type annotations.
    public var underlying: AvroSchema {
        if case .logical(_, let base) = self { return base.underlying }
        return self
    }

    /// The logical type annotating this schema, if any.
    public var logicalType: LogicalType? {
        if case .logical(let logicalType, _) = self { return logicalType }
        return nil
    }

    /// The fullname of a named type or reference.
    public var fullname: String? {
        switch self {
        case .record(let record): record.fullname
        case .enumeration(let enumeration): enumeration.fullname
        case .fixed(let fixed): fixed.fullname
        case .reference(let name): name
        case .logical(_, let base): base.fullname
        default: nil
        }
    }

    /// How a union tells its branches apart: the primitive or container type name, or a named type's
    /// fullname. Two branches of one union may not share it.
    public var branchName: String {
        switch self {
        case .null: "null"
        case .boolean: "boolean"
        case .int: "int"
        case .long: "long"
        case .float: "float"
        case .double: "double"
        case .bytes: "bytes"
        case .string: "string"
        case .array: "array"
        case .map: "map"
        case .union: "union"
        case .record(let record): record.fullname
        case .enumeration(let enumeration): enumeration.fullname
        case .fixed(let fixed): fixed.fullname
        case .reference(let name): name
        case .logical(_, let base): base.branchName
        }
    }

    /// Whether this is a union with a `null` branch.
    public var isNullable: Bool {
        if case .union(let branches) = self { return branches.contains(.null) }
        return false
    }
}
