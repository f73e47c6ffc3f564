extension AvroSchema {
    /// The Parsing Canonical Form: fullnames, only the attributes that matter for reading
    /// (`name`, `type`, `fields`, `symbols`, `items`, `values`, `size`) in that order, no whitespace.
    /// Two schemas with the same canonical form read data the same way.
    public var canonicalForm: String {
        var renderer = AvroSchemaRenderer(canonical: true)
        renderer.write(self, namespace: "")
        return renderer.output
    }

    /// The full JSON form with docs, defaults, aliases, logical types and extra attributes: what an `.avsc`
    /// file or a container file's `avro.schema` holds. Parsing it gives back an equal schema.
    public var jsonText: String {
        var renderer = AvroSchemaRenderer(canonical: false)
        renderer.write(self, namespace: "")
        return renderer.output
    }

    /// The 64-bit Rabin fingerprint (CRC-64-AVRO) of the canonical form.
    public var fingerprint: UInt64 { AvroFingerprint.rabin(canonicalForm.utf8) }
}

/// Writes schemas as JSON text; named types are defined at their first appearance and named after that.
struct AvroSchemaRenderer {
    let canonical: Bool
    var output = ""
    private var defined: Set<String> = []

    init(canonical: Bool) { self.canonical = canonical }

    mutating func write(_ schema: AvroSchema, namespace: String, logicalType: AvroSchema.LogicalType? = nil) {
        switch schema {
        case .null, .boolean, .int, .long, .float, .double, .bytes, .string:
            if let logicalType, !canonical {
                output += "{\"type\":"
                string(schema.branchName)
                annotation(logicalType)
                output += "}"
            } else {
                string(schema.branchName)
            }
        case .logical(let logicalType, let base):
            write(base, namespace: namespace, logicalType: logicalType)
        case .reference(let fullname):
            string(fullname)
        case .array(let items):
            output += "{\"type\":\"array\",\"items\":"
            write(items, namespace: namespace)
            output += "}"
        case .map(let values):
            output += "{\"type\":\"map\",\"values\":"
            write(values, namespace: namespace)
            output += "}"
        case .union(let branches):
            output += "["
            for (index, branch) in branches.enumerated() {
                if index > 0 { output += "," }
                write(branch, namespace: namespace)
            }
            output += "]"
        case .record(let record):
            guard begin(record.fullname, "record", namespace: namespace) else { return }
            if !canonical { docAndAliases(record.doc, record.aliases) }
            output += ",\"fields\":["
            for (index, field) in record.fields.enumerated() {
                if index > 0 { output += "," }
                output += "{\"name\":"
                string(field.name)
                output += ",\"type\":"
                write(field.type, namespace: record.namespace)
                if !canonical {
                    if let doc = field.doc { output += ",\"doc\":"; string(doc) }
                    if let value = field.default { output += ",\"default\":"; value.write(to: &output) }
                    if !field.aliases.isEmpty { output += ",\"aliases\":"; JSONValue.array(field.aliases.map(JSONValue.string)).write(to: &output) }
                    properties(field.properties)
                }
                output += "}"
            }
            output += "]"
            if !canonical { properties(record.properties) }
            output += "}"
        case .enumeration(let enumeration):
            guard begin(enumeration.fullname, "enum", namespace: namespace) else { return }
            if !canonical { docAndAliases(enumeration.doc, enumeration.aliases) }
            output += ",\"symbols\":"
            JSONValue.array(enumeration.symbols.map(JSONValue.string)).write(to: &output)
            if !canonical {
                if let symbol = enumeration.default { output += ",\"default\":"; string(symbol) }
                properties(enumeration.properties)
            }
            output += "}"
        case .fixed(let fixed):
            guard begin(fixed.fullname, "fixed", namespace: namespace) else { return }
            if !canonical { docAndAliases(nil, fixed.aliases) }
            output += ",\"size\":" + String(fixed.size)
            if !canonical {
                if let logicalType { annotation(logicalType) }
                properties(fixed.properties)
            }
            output += "}"
        }
    }

    /// Opens a named type's object, or writes its name if it is already defined (then returns false).
    private mutating func begin(_ fullname: String, _ type: String, namespace: String) -> Bool {
        guard defined.insert(fullname).inserted else {
            string(fullname)
            return false
        }
        if canonical {
            output += "{\"name\":"
            string(fullname)
            output += ",\"type\":"
            string(type)
        } else {
            output += "{\"type\":"
            string(type)
            output += ",\"name\":"
            string(AvroSchema.simpleName(of: fullname))
            let space = AvroSchema.namespace(of: fullname)
            if space != namespace { output += ",\"namespace\":"; string(space) }
        }
        return true
    }

    private mutating func docAndAliases(_ doc: String?, _ aliases: [String]) {
        if let doc { output += ",\"doc\":"; string(doc) }
        if !aliases.isEmpty { output += ",\"aliases\":"; JSONValue.array(aliases.map(JSONValue.string)).write(to: &output) }
    }

    private mutating func annotation(_ logicalType: AvroSchema.LogicalType) {
        output += ",\"logicalType\":"
        string(logicalType.name)
        if let precision = logicalType.precision { output += ",\"precision\":" + String(precision) }
        if let scale = logicalType.scale { output += ",\"scale\":" + String(scale) }
    }

    private mutating func properties(_ properties: [String: JSONValue]) {
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            output += ","
            string(key)
            output += ":"
            value.write(to: &output)
        }
    }

    private mutating func string(_ value: String) { JSONValue.writeString(value, to: &output) }
}
