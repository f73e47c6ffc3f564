/// Writes values in Avro's binary encoding, driven by a schema.
public struct AvroEncoder: Sendable {
    public let schema: AvroSchema
    let names: AvroNames
    /// Values nested deeper than this are refused (they could only come from a runaway recursive structure).
    public let maxDepth: Int

    public init(schema: AvroSchema, maxDepth: Int = 100) throws(AvroError) {
        self.schema = schema
        self.names = try AvroNames(schema)
        self.maxDepth = maxDepth
    }

    /// The binary encoding of `value`, which must match the schema exactly (union values name their branch).
    public func encode(_ value: AvroValue) throws(AvroError) -> [UInt8] {
        var writer = AvroBinaryWriter()
        try encode(value, into: &writer)
        return writer.bytes
    }

    func encode(_ value: AvroValue, into writer: inout AvroBinaryWriter) throws(AvroError) {
        try write(value, as: schema, into: &writer, depth: 0)
    }

    private func write(_ value: AvroValue, as schema: AvroSchema, into writer: inout AvroBinaryWriter, depth: Int) throws(AvroError) {
        guard depth < maxDepth else { throw .depthLimitExceeded(maxDepth) }
        let base = try names.base(schema)
        switch (base, value) {
        case (.null, .null): break
        case (.boolean, .boolean(let value)): writer.writeBoolean(value)
        case (.int, .int(let value)): writer.writeInt(value)
        case (.long, .long(let value)): writer.writeLong(value)
        case (.float, .float(let value)): writer.writeFloat(value)
        case (.double, .double(let value)): writer.writeDouble(value)
        case (.bytes, .bytes(let value)): writer.writeBytes(value)
        case (.string, .string(let value)): writer.writeString(value)
        case (.fixed(let fixed), .fixed(let value)):
            guard value.count == fixed.size else {
                throw .valueMismatch("\(fixed.name) needs \(fixed.size) bytes, got \(value.count)")
            }
            writer.writeFixed(value)
        case (.enumeration(let enumeration), .enumeration(let symbol)):
            guard let index = enumeration.symbols.firstIndex(of: symbol) else {
                throw .valueMismatch("\"\(symbol)\" is not a symbol of \(enumeration.name)")
            }
            writer.writeLong(Int64(index))
        case (.record(let record), .record(let fields)):
            for field in record.fields {
                guard let fieldValue = fields[field.name] else {
                    throw AvroError.valueMismatch("the record has no value for field \(field.name)").located(at: field.name)
                }
                do throws(AvroError) {
                    try write(fieldValue, as: field.type, into: &writer, depth: depth + 1)
                } catch {
                    throw error.located(at: field.name)
                }
            }
            if fields.count != record.fields.count, let extra = fields.keys.first(where: { record.field(named: $0) == nil }) {
                throw .valueMismatch("\(record.name) has no field \(extra)")
            }
        case (.array(let items), .array(let elements)):
            if !elements.isEmpty {
                writer.writeLong(Int64(elements.count))
                for (index, element) in elements.enumerated() {
                    do throws(AvroError) {
                        try write(element, as: items, into: &writer, depth: depth + 1)
                    } catch {
                        throw error.located(at: String(index))
                    }
                }
            }
            writer.writeLong(0)
        case (.map(let valuesSchema), .map(let entries)):
            if !entries.isEmpty {
                writer.writeLong(Int64(entries.count))
                for (key, entry) in entries.sorted(by: { $0.key < $1.key }) {
                    writer.writeString(key)
                    do throws(AvroError) {
                        try write(entry, as: valuesSchema, into: &writer, depth: depth + 1)
                    } catch {
                        throw error.located(at: key)
                    }
                }
            }
            writer.writeLong(0)
        case (.union(let branches), .union(let branch, let branchValue)):
            guard branches.indices.contains(branch) else {
                throw .invalidIndex("union branch \(branch) of a union with \(branches.count) branches")
            }
            writer.writeLong(Int64(branch))
            try write(branchValue, as: branches[branch], into: &writer, depth: depth + 1)
        case (.union, _):
            throw .valueMismatch("a union value must be .union(branch:value:), got \(value.kind)")
        default:
            throw .valueMismatch("expected \(base.branchName), got \(value.kind)")
        }
    }
}
