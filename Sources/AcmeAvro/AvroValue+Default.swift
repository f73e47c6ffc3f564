extension AvroValue {
    /// Converts a field default, written in the specification's JSON form, to a value of `schema`: a union's
    /// default belongs to its first branch, bytes and fixed are strings of code points 0–255, and a record's
    /// missing fields take their own defaults.
    public init(defaultJSON json: JSONValue, schema: AvroSchema, names: AvroNames) throws(AvroError) {
        self = try Self.fromDefault(json, schema: schema, names: names, depth: 0)
    }

    private static func fromDefault(_ json: JSONValue, schema: AvroSchema, names: AvroNames, depth: Int) throws(AvroError) -> AvroValue {
        guard depth < 100 else { throw .depthLimitExceeded(100) }
        let base = try names.base(schema)
        func mismatch() -> AvroError { .valueMismatch("expected a default of type \(base.branchName), got \(json.serialized)") }
        switch (base, json) {
        case (.null, .null): return .null
        case (.boolean, .bool(let value)): return .boolean(value)
        case (.int, .int(let value)):
            guard let int = Int32(exactly: value) else { throw mismatch() }
            return .int(int)
        case (.long, .int(let value)): return .long(value)
        case (.float, .int(let value)): return .float(Float(value))
        case (.float, .double(let value)): return .float(Float(value))
        case (.double, .int(let value)): return .double(Double(value))
        case (.double, .double(let value)): return .double(value)
        case (.bytes, .string(let value)): return .bytes(try latin1Bytes(value))
        case (.string, .string(let value)): return .string(value)
        case (.fixed(let fixed), .string(let value)):
            let bytes = try latin1Bytes(value)
            guard bytes.count == fixed.size else { throw mismatch() }
            return .fixed(bytes)
        case (.enumeration(let enumeration), .string(let symbol)):
            guard enumeration.symbols.contains(symbol) else { throw mismatch() }
            return .enumeration(symbol)
        case (.array(let items), .array(let elements)):
            var values: [AvroValue] = []
            for element in elements { values.append(try fromDefault(element, schema: items, names: names, depth: depth + 1)) }
            return .array(values)
        case (.map(let valuesSchema), .object(let members)):
            var values: [String: AvroValue] = [:]
            for (key, member) in members { values[key] = try fromDefault(member, schema: valuesSchema, names: names, depth: depth + 1) }
            return .map(values)
        case (.record(let record), .object(let members)):
            var values: [String: AvroValue] = [:]
            for field in record.fields {
                guard let member = members[field.name] ?? field.default else {
                    throw AvroError.valueMismatch("the default for \(record.name) has no value for field \(field.name)")
                }
                values[field.name] = try fromDefault(member, schema: field.type, names: names, depth: depth + 1)
            }
            return .record(values)
        case (.union(let branches), _):
            guard let first = branches.first else { throw mismatch() }
            return .union(branch: 0, value: try fromDefault(json, schema: first, names: names, depth: depth + 1))
        default:
            throw mismatch()
        }
    }

    /// The bytes of a string whose code points are all 0–255 (the JSON form of bytes and fixed).
    static func latin1Bytes(_ string: String) throws(AvroError) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in string.unicodeScalars {
            guard scalar.value <= 0xFF else { throw .valueMismatch("code point U+\(String(scalar.value, radix: 16)) in a bytes value") }
            bytes.append(UInt8(scalar.value))
        }
        return bytes
    }

    /// The string of code points 0–255 for `bytes`.
    static func latin1String(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }
}
