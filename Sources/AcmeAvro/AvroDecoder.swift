/// Reads values from Avro's binary encoding, driven by the writer's schema and, optionally, resolved into a
/// newer reader schema.
///
/// Safe on hostile input: every length and count is checked against the bytes left before anything is
/// allocated, nesting is bounded by `maxDepth`, and items that encode to no bytes at all (`null`, empty
/// records) are limited to `maxZeroSizeItems` per value, so a few bytes can never claim billions of them.
public struct AvroDecoder: Sendable {
    public let writerSchema: AvroSchema
    /// The schema values are returned in; the writer's when none was given.
    public let readerSchema: AvroSchema
    public let maxDepth: Int
    public let maxZeroSizeItems: Int
    let names: AvroNames
    let resolver: AvroResolver?

    /// Reads data written with `schema`.
    public init(schema: AvroSchema, maxDepth: Int = 100, maxZeroSizeItems: Int = 1 << 20) throws(AvroError) {
        self.writerSchema = schema
        self.readerSchema = schema
        self.maxDepth = maxDepth
        self.maxZeroSizeItems = maxZeroSizeItems
        self.names = try AvroNames(schema)
        self.resolver = nil
    }

    /// Reads data written with `writer` as values of `reader` (schema resolution: added fields take their
    /// defaults, removed ones are skipped, numbers are promoted, unions are matched by branch).
    public init(writer: AvroSchema, reader: AvroSchema, maxDepth: Int = 100, maxZeroSizeItems: Int = 1 << 20) throws(AvroError) {
        self.writerSchema = writer
        self.readerSchema = reader
        self.maxDepth = maxDepth
        self.maxZeroSizeItems = maxZeroSizeItems
        self.names = try AvroNames(writer)
        self.resolver = writer == reader ? nil : try AvroResolver(writer: writer, reader: reader)
    }

    /// Decodes one value that must span all of `bytes`.
    public func decode(_ bytes: [UInt8]) throws(AvroError) -> AvroValue {
        var reader = AvroBinaryReader(bytes)
        var budget = maxZeroSizeItems
        let value = try decode(from: &reader, zeroSizeBudget: &budget)
        guard reader.isAtEnd else { throw .trailingBytes(reader.remaining) }
        return value
    }

    func decode(from reader: inout AvroBinaryReader, zeroSizeBudget: inout Int) throws(AvroError) -> AvroValue {
        let value = try read(writerSchema, from: &reader, depth: 0, budget: &zeroSizeBudget)
        return try resolver?.resolve(value) ?? value
    }

    private func read(_ schema: AvroSchema, from reader: inout AvroBinaryReader, depth: Int, budget: inout Int) throws(AvroError) -> AvroValue {
        guard depth < maxDepth else { throw .depthLimitExceeded(maxDepth) }
        switch try names.base(schema) {
        case .null: return .null
        case .boolean: return .boolean(try reader.readBoolean())
        case .int: return .int(try reader.readInt())
        case .long: return .long(try reader.readLong())
        case .float: return .float(try reader.readFloat())
        case .double: return .double(try reader.readDouble())
        case .bytes: return .bytes(try reader.readBytes())
        case .string: return .string(try reader.readString())
        case .fixed(let fixed): return .fixed(try reader.readFixed(fixed.size))
        case .enumeration(let enumeration):
            let index = try reader.readLong()
            guard index >= 0, index < Int64(enumeration.symbols.count) else {
                throw .invalidIndex("enum index \(index) of \(enumeration.name), which has \(enumeration.symbols.count) symbols")
            }
            return .enumeration(enumeration.symbols[Int(index)])
        case .record(let record):
            var fields: [String: AvroValue] = [:]
            fields.reserveCapacity(record.fields.count)
            for field in record.fields {
                do throws(AvroError) {
                    fields[field.name] = try read(field.type, from: &reader, depth: depth + 1, budget: &budget)
                } catch {
                    throw error.located(at: field.name)
                }
            }
            return .record(fields)
        case .array(let items):
            var elements: [AvroValue] = []
            let zeroSize = try isZeroSize(items)
            try readBlocks(from: &reader, itemsTakeBytes: !zeroSize, budget: &budget) { (reader, budget) throws(AvroError) in
                do throws(AvroError) {
                    elements.append(try read(items, from: &reader, depth: depth + 1, budget: &budget))
                } catch {
                    throw error.located(at: String(elements.count))
                }
            }
            return .array(elements)
        case .map(let valuesSchema):
            var entries: [String: AvroValue] = [:]
            try readBlocks(from: &reader, itemsTakeBytes: true, budget: &budget) { (reader, budget) throws(AvroError) in
                let key = try reader.readString()
                do throws(AvroError) {
                    entries[key] = try read(valuesSchema, from: &reader, depth: depth + 1, budget: &budget)
                } catch {
                    throw error.located(at: key)
                }
            }
            return .map(entries)
        case .union(let branches):
            let index = try reader.readLong()
            guard index >= 0, index < Int64(branches.count) else {
                throw .invalidIndex("union branch \(index) of a union with \(branches.count) branches")
            }
            let branch = Int(index)
            return .union(branch: branch, value: try read(branches[branch], from: &reader, depth: depth + 1, budget: &budget))
        case .logical, .reference:
            throw .invalidSchema("unresolved schema")
        }
    }

    /// Reads the blocks of an array or map: each a count, then (when the count is negative) the block's
    /// byte size, then the items; a zero count ends them.
    private func readBlocks(
        from reader: inout AvroBinaryReader, itemsTakeBytes: Bool, budget: inout Int,
        item: (inout AvroBinaryReader, inout Int) throws(AvroError) -> Void
    ) throws(AvroError) {
        while true {
            var count = try reader.readLong()
            if count == 0 { return }
            var declaredSize: Int?
            if count < 0 {
                guard count != Int64.min else { throw .invalidLength("block count \(count)") }
                count = -count
                declaredSize = try reader.readLength("block")
            }
            let blockStart = reader.offset
            if itemsTakeBytes {
                guard count <= Int64(reader.remaining) else {
                    throw .invalidLength("block of \(count) items exceeds the \(reader.remaining) byte(s) left")
                }
            } else {
                guard count <= Int64(budget) else {
                    throw .invalidLength("block of \(count) zero-size items exceeds the limit of \(maxZeroSizeItems)")
                }
                budget -= Int(count)
            }
            for _ in 0..<count { try item(&reader, &budget) }
            if let declaredSize, reader.offset - blockStart != declaredSize {
                throw .invalidLength("a block's items took \(reader.offset - blockStart) bytes, its header says \(declaredSize)")
            }
        }
    }

    /// Whether values of `schema` can encode to no bytes at all.
    private func isZeroSize(_ schema: AvroSchema, visiting: Set<String> = []) throws(AvroError) -> Bool {
        switch try names.base(schema) {
        case .null: return true
        case .fixed(let fixed): return fixed.size == 0
        case .record(let record):
            guard !visiting.contains(record.fullname) else { return false }
            for field in record.fields where !(try isZeroSize(field.type, visiting: visiting.union([record.fullname]))) {
                return false
            }
            return true
        default: return false
        }
    }
}
