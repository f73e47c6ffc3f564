extension AvroSchema {
    /// Parses a schema from its JSON text (an `.avsc` file), resolving named type references and namespaces
    /// and validating it: names, duplicate definitions, unions, logical types and field defaults.
    public init(parsing text: String) throws(AvroError) {
        try self.init(json: try JSONValue(parsing: text))
    }

    /// Parses a schema from already parsed JSON.
    public init(json: JSONValue) throws(AvroError) {
        var parser = AvroSchemaParser()
        self = try parser.parseRoot(json)
    }
}

/// Turns schema JSON into `AvroSchema`, enforcing the specification's rules as it goes.
struct AvroSchemaParser {
    /// Names defined so far, in document order: a reference must come after its definition.
    private var defined: Set<String> = []
    /// Field defaults, checked once every named type is complete (a default may use the record it is in).
    private var defaults: [(path: String, value: JSONValue, type: AvroSchema)] = []
    private var depth = 0
    private static let maxDepth = 200

    mutating func parseRoot(_ json: JSONValue) throws(AvroError) -> AvroSchema {
        let schema = try parse(json, namespace: "", path: "schema")
        let names = try AvroNames(schema)
        for entry in defaults {
            do throws(AvroError) {
                _ = try AvroValue(defaultJSON: entry.value, schema: entry.type, names: names)
            } catch {
                throw .invalidSchema("the default of \(entry.path) does not match its type: \(error)")
            }
        }
        return schema
    }

    private mutating func parse(_ json: JSONValue, namespace: String, path: String) throws(AvroError) -> AvroSchema {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw .invalidSchema("\(path): nested deeper than \(Self.maxDepth) levels") }
        switch json {
        case .string(let name):
            return try named(name, namespace: namespace, path: path)
        case .array(let branches):
            return try parseUnion(branches, namespace: namespace, path: path)
        case .object(let object):
            guard case .string(let type)? = object["type"] else {
                throw .invalidSchema("\(path): \"type\" must be a type name string")
            }
            let schema: AvroSchema
            switch type {
            case "record", "error": schema = try parseRecord(object, namespace: namespace, path: path)
            case "enum": schema = try parseEnum(object, namespace: namespace, path: path)
            case "fixed": schema = try parseFixed(object, namespace: namespace, path: path)
            case "array":
                guard let items = object["items"] else { throw .invalidSchema("\(path): an array needs \"items\"") }
                schema = .array(items: try parse(items, namespace: namespace, path: path + "[]"))
            case "map":
                guard let values = object["values"] else { throw .invalidSchema("\(path): a map needs \"values\"") }
                schema = .map(values: try parse(values, namespace: namespace, path: path + "{}"))
            default:
                schema = try named(type, namespace: namespace, path: path)
            }
            return try annotate(schema, object, path: path)
        default:
            throw .invalidSchema("\(path): a schema must be a string, an object or an array, not \(json.kind)")
        }
    }

    /// A primitive type name or a reference to a defined named type.
    private func named(_ name: String, namespace: String, path: String) throws(AvroError) -> AvroSchema {
        switch name {
        case "null": return .null
        case "boolean": return .boolean
        case "int": return .int
        case "long": return .long
        case "float": return .float
        case "double": return .double
        case "bytes": return .bytes
        case "string": return .string
        default: break
        }
        let candidates = name.contains(".") || namespace.isEmpty ? [name] : [namespace + "." + name, name]
        guard let fullname = candidates.first(where: { defined.contains($0) }) else {
            throw .invalidSchema("\(path): unknown type \"\(name)\"")
        }
        return .reference(fullname)
    }

    private mutating func parseUnion(_ branches: [JSONValue], namespace: String, path: String) throws(AvroError) -> AvroSchema {
        var parsed: [AvroSchema] = []
        var seen: Set<String> = []
        for (index, branch) in branches.enumerated() {
            let schema = try parse(branch, namespace: namespace, path: "\(path)<\(index)>")
            if case .union = schema { throw .invalidSchema("\(path): a union may not contain a union") }
            guard seen.insert(schema.branchName).inserted else {
                throw .invalidSchema("\(path): the union contains \"\(schema.branchName)\" twice")
            }
            parsed.append(schema)
        }
        return .union(parsed)
    }

    private mutating func define(_ object: [String: JSONValue], namespace: String, path: String) throws(AvroError) -> (fullname: String, aliases: [String]) {
        guard case .string(let name)? = object["name"] else { throw .invalidSchema("\(path): a named type needs a \"name\" string") }
        var space = namespace
        switch object["namespace"] {
        case nil, .null?: break
        case .string(let value)?: space = value
        default: throw .invalidSchema("\(path): \"namespace\" must be a string")
        }
        let fullname = name.contains(".") || space.isEmpty ? name : space + "." + name
        try Self.validateFullname(fullname, path: path)
        guard !AvroSchema.primitiveNames.contains(AvroSchema.simpleName(of: fullname)) else {
            throw .invalidSchema("\(path): \"\(fullname)\" is a primitive type name and cannot be defined")
        }
        guard defined.insert(fullname).inserted else {
            throw .invalidSchema("\(path): the name \"\(fullname)\" is defined twice")
        }
        let aliases = try Self.strings(object["aliases"], "aliases", path: path).map { alias throws(AvroError) in
            let aliasSpace = AvroSchema.namespace(of: fullname)
            let full = alias.contains(".") || aliasSpace.isEmpty ? alias : aliasSpace + "." + alias
            try Self.validateFullname(full, path: path)
            return full
        }
        return (fullname, aliases)
    }

    private mutating func parseRecord(_ object: [String: JSONValue], namespace: String, path: String) throws(AvroError) -> AvroSchema {
        let (fullname, aliases) = try define(object, namespace: namespace, path: path)
        let recordPath = AvroSchema.simpleName(of: fullname)
        guard case .array(let fieldsJSON)? = object["fields"] else { throw .invalidSchema("\(path): a record needs a \"fields\" array") }
        var fields: [AvroSchema.Field] = []
        var fieldNames: Set<String> = []
        for fieldJSON in fieldsJSON {
            guard case .object(let fieldObject) = fieldJSON, case .string(let name)? = fieldObject["name"] else {
                throw .invalidSchema("\(recordPath): every field needs a \"name\" string")
            }
            let fieldPath = recordPath + "." + name
            guard Self.isValidName(name) else { throw .invalidSchema("\(fieldPath): \"\(name)\" is not a valid field name") }
            guard fieldNames.insert(name).inserted else { throw .invalidSchema("\(fieldPath): the field is defined twice") }
            guard let typeJSON = fieldObject["type"] else { throw .invalidSchema("\(fieldPath): the field needs a \"type\"") }
            let type = try parse(typeJSON, namespace: AvroSchema.namespace(of: fullname), path: fieldPath)
            if case .string(let order)? = fieldObject["order"], !["ascending", "descending", "ignore"].contains(order) {
                throw .invalidSchema("\(fieldPath): \"order\" must be ascending, descending or ignore")
            }
            let field = AvroSchema.Field(
                name: name, type: type, default: fieldObject["default"],
                doc: try Self.string(fieldObject["doc"], "doc", path: fieldPath),
                aliases: try Self.strings(fieldObject["aliases"], "aliases", path: fieldPath),
                properties: fieldObject.filter { !["name", "type", "default", "doc", "aliases"].contains($0.key) })
            if let value = field.default { defaults.append((fieldPath, value, type)) }
            fields.append(field)
        }
        return .record(AvroSchema.Record(
            fullname: fullname, aliases: aliases, doc: try Self.string(object["doc"], "doc", path: path), fields: fields,
            properties: object.filter { !["type", "name", "namespace", "doc", "aliases", "fields"].contains($0.key) }))
    }

    private mutating func parseEnum(_ object: [String: JSONValue], namespace: String, path: String) throws(AvroError) -> AvroSchema {
        let (fullname, aliases) = try define(object, namespace: namespace, path: path)
        guard object["symbols"] != nil else { throw .invalidSchema("\(path): an enum needs \"symbols\"") }
        let symbols = try Self.strings(object["symbols"], "symbols", path: path)
        var seen: Set<String> = []
        for symbol in symbols {
            guard Self.isValidName(symbol) else { throw .invalidSchema("\(fullname): \"\(symbol)\" is not a valid enum symbol") }
            guard seen.insert(symbol).inserted else { throw .invalidSchema("\(fullname): the symbol \"\(symbol)\" appears twice") }
        }
        let defaultSymbol = try Self.string(object["default"], "default", path: path)
        if let defaultSymbol, !seen.contains(defaultSymbol) {
            throw .invalidSchema("\(fullname): the default \"\(defaultSymbol)\" is not one of the symbols")
        }
        return .enumeration(AvroSchema.Enumeration(
            fullname: fullname, aliases: aliases, doc: try Self.string(object["doc"], "doc", path: path), symbols: symbols,
            default: defaultSymbol,
            properties: object.filter { !["type", "name", "namespace", "doc", "aliases", "symbols", "default"].contains($0.key) }))
    }

    private mutating func parseFixed(_ object: [String: JSONValue], namespace: String, path: String) throws(AvroError) -> AvroSchema {
        let (fullname, aliases) = try define(object, namespace: namespace, path: path)
        guard case .int(let size)? = object["size"], size >= 0, size <= Int64(Int32.max) else {
            throw .invalidSchema("\(fullname): a fixed type needs a non-negative integer \"size\"")
        }
        return .fixed(AvroSchema.Fixed(
            fullname: fullname, aliases: aliases, size: Int(size),
            properties: object.filter { !["type", "name", "namespace", "aliases", "size", "logicalType", "precision", "scale"].contains($0.key) }))
    }

    /// Wraps `schema` in its `logicalType`, if the annotation is valid for it; invalid ones are ignored.
    private func annotate(_ schema: AvroSchema, _ object: [String: JSONValue], path: String) throws(AvroError) -> AvroSchema {
        guard case .string(let name)? = object["logicalType"] else { return schema }
        var logicalType = AvroSchema.LogicalType(name: name)
        let valid: Bool
        switch (name, schema) {
        case ("date", .int), ("time-millis", .int): valid = true
        case ("time-micros", .long), ("timestamp-millis", .long), ("timestamp-micros", .long),
             ("local-timestamp-millis", .long), ("local-timestamp-micros", .long): valid = true
        case ("uuid", .string): valid = true
        case ("duration", .fixed(let fixed)): valid = fixed.size == 12
        case ("decimal", .bytes), ("decimal", .fixed):
            guard case .int(let precision)? = object["precision"], precision > 0 else { valid = false; break }
            var scale: Int64 = 0
            if let scaleJSON = object["scale"] {
                guard case .int(let value) = scaleJSON else { valid = false; break }
                scale = value
            }
            var maxPrecision = Int64.max
            if case .fixed(let fixed) = schema {
                maxPrecision = Int64((Double(8 * fixed.size - 1) * 0.30102999566398120).rounded(.down))
            }
            valid = scale >= 0 && scale <= precision && precision <= maxPrecision
            logicalType.precision = Int(precision)
            logicalType.scale = Int(scale)
        case (_, .reference), (_, .record), (_, .enumeration): valid = false
        default: valid = !logicalType.isKnown
        }
        return valid ? .logical(logicalType, schema) : schema
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func validateFullname(_ fullname: String, path: String) throws(AvroError) {
        let components = fullname.split(separator: ".", omittingEmptySubsequences: false)
        guard components.allSatisfy({ isValidName(String($0)) }) else {
            throw .invalidSchema("\(path): \"\(fullname)\" is not a valid name")
        }
    }

    private static func string(_ json: JSONValue?, _ key: String, path: String) throws(AvroError) -> String? {
        switch json {
        case nil: return nil
        case .string(let value)?: return value
        default: throw .invalidSchema("\(path): \"\(key)\" must be a string")
        }
    }

    private static func strings(_ json: JSONValue?, _ key: String, path: String) throws(AvroError) -> [String] {
        guard let json else { return [] }
        guard case .array(let elements) = json else { throw .invalidSchema("\(path): \"\(key)\" must be an array of strings") }
        var strings: [String] = []
        for element in elements {
            guard case .string(let value) = element else { throw .invalidSchema("\(path): \"\(key)\" must be an array of strings") }
            strings.append(value)
        }
        return strings
    }
}
