@testable import AcmeAvro

/// The Avro specification's JSON encoding of values (unions as `{"branch": value}`, bytes as code points
/// 0–255, logical types as their underlying values): how values cross to and from `scripts/avro_interop.py`.
struct TaggedJSON {
    let names: AvroNames

    init(schema: AvroSchema) throws {
        names = try AvroNames(schema)
    }

    func encode(_ value: AvroValue, _ schema: AvroSchema) throws -> JSONValue {
        let base = try names.resolve(schema.underlying).underlying
        switch (base, value) {
        case (.union(let branches), .union(let index, let inner)):
            if inner == .null { return .null }
            return .object([branches[index].branchName: try encode(inner, branches[index])])
        case (.record(let record), .record(let fields)):
            var object: [String: JSONValue] = [:]
            for field in record.fields { object[field.name] = try encode(fields[field.name]!, field.type) }
            return .object(object)
        case (.array(let items), .array(let elements)):
            return .array(try elements.map { try encode($0, items) })
        case (.map(let values), .map(let entries)):
            return .object(try entries.mapValues { try encode($0, values) })
        case (_, .null): return .null
        case (_, .boolean(let value)): return .bool(value)
        case (_, .int(let value)): return .int(Int64(value))
        case (_, .long(let value)): return .int(value)
        case (_, .float(let value)): return .double(Double(value))
        case (_, .double(let value)): return .double(value)
        case (_, .bytes(let bytes)), (_, .fixed(let bytes)): return .string(AvroValue.latin1String(bytes))
        case (_, .string(let value)), (_, .enumeration(let value)): return .string(value)
        default: throw AvroError.valueMismatch("\(value) for \(base)")
        }
    }

    func decode(_ json: JSONValue, _ schema: AvroSchema) throws -> AvroValue {
        let base = try names.resolve(schema.underlying).underlying
        switch (base, json) {
        case (.union(let branches), .null):
            return .union(branch: branches.firstIndex(of: .null)!, value: .null)
        case (.union(let branches), .object(let tagged)):
            let (name, inner) = tagged.first!
            let index = branches.firstIndex { $0.branchName == name }!
            return .union(branch: index, value: try decode(inner, branches[index]))
        case (.record(let record), .object(let members)):
            var fields: [String: AvroValue] = [:]
            for field in record.fields { fields[field.name] = try decode(members[field.name]!, field.type) }
            return .record(fields)
        case (.array(let items), .array(let elements)): return .array(try elements.map { try decode($0, items) })
        case (.map(let values), .object(let members)): return .map(try members.mapValues { try decode($0, values) })
        case (.null, .null): return .null
        case (.boolean, .bool(let value)): return .boolean(value)
        case (.int, .int(let value)): return .int(Int32(value))
        case (.long, .int(let value)): return .long(value)
        case (.float, .double(let value)): return .float(Float(value))
        case (.float, .int(let value)): return .float(Float(value))
        case (.double, .double(let value)): return .double(value)
        case (.double, .int(let value)): return .double(Double(value))
        case (.bytes, .string(let value)): return .bytes(try AvroValue.latin1Bytes(value))
        case (.fixed, .string(let value)): return .fixed(try AvroValue.latin1Bytes(value))
        case (.string, .string(let value)): return .string(value)
        case (.enumeration, .string(let value)): return .enumeration(value)
        default: throw AvroError.valueMismatch("\(json) for \(base)")
        }
    }
}
