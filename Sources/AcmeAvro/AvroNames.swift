/// The named types a schema defines, by fullname: how `.reference` uses are resolved.
public struct AvroNames: Sendable {
    public private(set) var definitions: [String: AvroSchema] = [:]

    /// Collects every definition in `schema`. Fails if one name is defined twice with different content.
    public init(_ schema: AvroSchema) throws(AvroError) {
        try collect(schema)
    }

    private mutating func collect(_ schema: AvroSchema) throws(AvroError) {
        switch schema {
        case .record(let record):
            guard try add(record.fullname, schema) else { return }
            for field in record.fields { try collect(field.type) }
        case .enumeration(let enumeration):
            _ = try add(enumeration.fullname, schema)
        case .fixed(let fixed):
            _ = try add(fixed.fullname, schema)
        case .array(let items): try collect(items)
        case .map(let values): try collect(values)
        case .union(let branches): for branch in branches { try collect(branch) }
        case .logical(_, let base): try collect(base)
        default: break
        }
    }

    /// Records a definition; false if the identical definition was already there.
    private mutating func add(_ fullname: String, _ schema: AvroSchema) throws(AvroError) -> Bool {
        if let existing = definitions[fullname] {
            guard existing == schema else { throw .invalidSchema("the name \"\(fullname)\" is defined twice") }
            return false
        }
        definitions[fullname] = schema
        return true
    }

    /// `schema` itself, or the definition a reference names; logical annotations are kept.
    public func resolve(_ schema: AvroSchema) throws(AvroError) -> AvroSchema {
        guard case .reference(let fullname) = schema else { return schema }
        guard let definition = definitions[fullname] else { throw .invalidSchema("unknown type \"\(fullname)\"") }
        return definition
    }

    /// The resolved schema without logical annotations: what decides the encoding.
    func base(_ schema: AvroSchema) throws(AvroError) -> AvroSchema {
        try resolve(schema.underlying).underlying
    }
}
