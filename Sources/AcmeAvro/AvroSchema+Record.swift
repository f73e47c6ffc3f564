extension AvroSchema {
    /// A record type: named, with ordered fields.
    public struct Record: Sendable, Hashable {
        /// The full name, `namespace.name` (or just `name` in the null namespace).
        public var fullname: String
        /// Alternative fullnames, used when resolving data written under an old name.
        public var aliases: [String]
        public var doc: String?
        public var fields: [Field]
        /// Attributes the specification does not define, kept as metadata (never part of the canonical form).
        public var properties: [String: JSONValue]

        public init(
            fullname: String, aliases: [String] = [], doc: String? = nil, fields: [Field],
            properties: [String: JSONValue] = [:]
        ) {
            self.fullname = fullname
            self.aliases = aliases
            self.doc = doc
            self.fields = fields
            self.properties = properties
        }

        /// The last component of the fullname.
        public var name: String { AvroSchema.simpleName(of: fullname) }
        /// The fullname without its last component; empty for the null namespace.
        public var namespace: String { AvroSchema.namespace(of: fullname) }

        /// The field with this name.
        public func field(named name: String) -> Field? { fields.first { $0.name == name } }
    }

    /// A record field. `default` is the JSON the schema gives (for a union, a value of its first branch); it
    /// is what a reader uses when the writer's data has no such field.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var type: AvroSchema
        public var `default`: JSONValue?
        public var doc: String?
        public var aliases: [String]
        /// Attributes the specification does not define (and `order`), kept as metadata.
        public var properties: [String: JSONValue]

        public init(
            name: String, type: AvroSchema, default: JSONValue? = nil, doc: String? = nil, aliases: [String] = [],
            properties: [String: JSONValue] = [:]
        ) {
            self.name = name
            self.type = type
            self.default = `default`
            self.doc = doc
            self.aliases = aliases
            self.properties = properties
        }
    }

    static func simpleName(of fullname: String) -> String {
        guard let dot = fullname.lastIndex(of: ".") else { return fullname }
        return String(fullname[fullname.index(after: dot)...])
    }

    static func namespace(of fullname: String) -> String {
        guard let dot = fullname.lastIndex(of: ".") else { return "" }
        return String(fullname[..<dot])
    }
}
