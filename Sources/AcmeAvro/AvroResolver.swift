/// Turns a value decoded with the writer's schema into a value of the reader's schema, following the
/// specification's resolution rules.
struct AvroResolver: Sendable {
    let writer: AvroSchema
    let reader: AvroSchema
    let writerNames: AvroNames
    let readerNames: AvroNames

    init(writer: AvroSchema, reader: AvroSchema) throws(AvroError) {
        self.writer = writer
        self.reader = reader
        self.writerNames = try AvroNames(writer)
        self.readerNames = try AvroNames(reader)
    }

    func resolve(_ value: AvroValue) throws(AvroError) -> AvroValue {
        try resolve(value, writer: writer, reader: reader, depth: 0)
    }

    private func resolve(_ value: AvroValue, writer: AvroSchema, reader: AvroSchema, depth: Int) throws(AvroError) -> AvroValue {
        guard depth < 200 else { throw .depthLimitExceeded(200) }
        let writerBase = try writerNames.base(writer)
        let readerBase = try readerNames.base(reader)
        if case .union(let writerBranches) = writerBase {
            guard case .union(let branch, let branchValue) = value, writerBranches.indices.contains(branch) else {
                throw .valueMismatch("expected a union value")
            }
            return try resolve(branchValue, writer: writerBranches[branch], reader: reader, depth: depth + 1)
        }
        if case .union(let readerBranches) = readerBase {
            guard let branch = try Self.branch(in: readerBranches, for: writerBase, readerNames: readerNames) else {
                throw .resolution("no branch of the reader's union matches the writer's \(writerBase.branchName)")
            }
            return .union(branch: branch, value: try resolve(value, writer: writerBase, reader: readerBranches[branch], depth: depth + 1))
        }
        switch (writerBase, readerBase, value) {
        case (.record(let writerRecord), .record(let readerRecord), .record(let fields)):
            guard Self.namesMatch(writerRecord.fullname, readerRecord.fullname, readerRecord.aliases) else {
                throw .resolution("the writer's record \(writerRecord.fullname) is not the reader's \(readerRecord.fullname)")
            }
            var resolved: [String: AvroValue] = [:]
            for readerField in readerRecord.fields {
                let writerField = writerRecord.fields.first {
                    $0.name == readerField.name || readerField.aliases.contains($0.name)
                }
                do throws(AvroError) {
                    if let writerField, let fieldValue = fields[writerField.name] {
                        resolved[readerField.name] = try resolve(fieldValue, writer: writerField.type, reader: readerField.type, depth: depth + 1)
                    } else if let defaultJSON = readerField.default {
                        resolved[readerField.name] = try AvroValue(defaultJSON: defaultJSON, schema: readerField.type, names: readerNames)
                    } else {
                        throw AvroError.resolution("the writer has no field \(readerField.name) and the reader gives no default")
                    }
                } catch {
                    throw error.located(at: readerField.name)
                }
            }
            return .record(resolved)
        case (.enumeration(let writerEnum), .enumeration(let readerEnum), .enumeration(let symbol)):
            guard Self.namesMatch(writerEnum.fullname, readerEnum.fullname, readerEnum.aliases) else {
                throw .resolution("the writer's enum \(writerEnum.fullname) is not the reader's \(readerEnum.fullname)")
            }
            if readerEnum.symbols.contains(symbol) { return value }
            guard let fallback = readerEnum.default else {
                throw .resolution("the reader's \(readerEnum.name) has no symbol \(symbol) and no default")
            }
            return .enumeration(fallback)
        case (.fixed(let writerFixed), .fixed(let readerFixed), _):
            guard Self.namesMatch(writerFixed.fullname, readerFixed.fullname, readerFixed.aliases), writerFixed.size == readerFixed.size else {
                throw .resolution("the writer's fixed \(writerFixed.fullname) is not the reader's \(readerFixed.fullname)")
            }
            return value
        case (.array(let writerItems), .array(let readerItems), .array(let elements)):
            var resolved: [AvroValue] = []
            resolved.reserveCapacity(elements.count)
            for element in elements { resolved.append(try resolve(element, writer: writerItems, reader: readerItems, depth: depth + 1)) }
            return .array(resolved)
        case (.map(let writerValues), .map(let readerValues), .map(let entries)):
            var resolved: [String: AvroValue] = [:]
            for (key, entry) in entries { resolved[key] = try resolve(entry, writer: writerValues, reader: readerValues, depth: depth + 1) }
            return .map(resolved)
        case (_, .long, .int(let int)): return .long(Int64(int))
        case (_, .float, .int(let int)): return .float(Float(int))
        case (_, .float, .long(let long)): return .float(Float(long))
        case (_, .double, .int(let int)): return .double(Double(int))
        case (_, .double, .long(let long)): return .double(Double(long))
        case (_, .double, .float(let float)): return .double(Double(float))
        case (.string, .bytes, .string(let string)): return .bytes(Array(string.utf8))
        case (.bytes, .string, .bytes(let bytes)):
            guard let string = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8("bytes read as a string") }
            return .string(string)
        default:
            guard writerBase == readerBase, Self.isPrimitive(readerBase) else {
                throw .resolution("the writer's \(writerBase.branchName) cannot be read as \(readerBase.branchName)")
            }
            return value
        }
    }

    static func isPrimitive(_ schema: AvroSchema) -> Bool {
        AvroSchema.primitiveNames.contains(schema.branchName) && schema.fullname == nil
    }

    /// Whether a writer's named type is the reader's: same fullname, same unqualified name, or a reader alias.
    static func namesMatch(_ writerName: String, _ readerName: String, _ readerAliases: [String]) -> Bool {
        writerName == readerName
            || AvroSchema.simpleName(of: writerName) == AvroSchema.simpleName(of: readerName)
            || readerAliases.contains(writerName)
    }

    /// Whether the writer's primitive can be promoted to the reader's.
    static func promotes(_ writer: AvroSchema, to reader: AvroSchema) -> Bool {
        switch (writer, reader) {
        case (.int, .long), (.int, .float), (.int, .double), (.long, .float), (.long, .double), (.float, .double),
             (.string, .bytes), (.bytes, .string):
            true
        default: false
        }
    }

    /// Whether the two resolved, unannotated, non-union schemas are the same kind and, for named types, match.
    static func sameKind(_ writer: AvroSchema, _ reader: AvroSchema) -> Bool {
        switch (writer, reader) {
        case (.record(let w), .record(let r)): namesMatch(w.fullname, r.fullname, r.aliases)
        case (.enumeration(let w), .enumeration(let r)): namesMatch(w.fullname, r.fullname, r.aliases)
        case (.fixed(let w), .fixed(let r)): namesMatch(w.fullname, r.fullname, r.aliases) && w.size == r.size
        case (.array, .array), (.map, .map): true
        default: isPrimitive(writer) && writer == reader
        }
    }

    /// The reader union's branch for a writer's non-union schema: the first of the same kind, else the first
    /// the writer's type promotes to.
    static func branch(
        in readerBranches: [AvroSchema], for writerBase: AvroSchema, readerNames: AvroNames
    ) throws(AvroError) -> Int? {
        var bases: [AvroSchema] = []
        for branch in readerBranches { bases.append(try readerNames.base(branch)) }
        if let exact = bases.firstIndex(where: { sameKind(writerBase, $0) }) { return exact }
        return bases.firstIndex { promotes(writerBase, to: $0) }
    }
}
