extension AvroSchema {
    /// An enum type: a value is one of `symbols`, encoded as its index.
    public struct Enumeration: Sendable, Hashable {
        public var fullname: String
        public var aliases: [String]
        public var doc: String?
        public var symbols: [String]
        /// The symbol a reader uses for a writer's symbol it does not know.
        public var `default`: String?
        public var properties: [String: JSONValue]

        public init(
            fullname: String, aliases: [String] = [], doc: String? = nil, symbols: [String], default: String? = nil,
            properties: [String: JSONValue] = [:]
        ) {
            self.fullname = fullname
            self.aliases = aliases
            self.doc = doc
            self.symbols = symbols
            self.default = `default`
            self.properties = properties
        }

        public var name: String { AvroSchema.simpleName(of: fullname) }
        public var namespace: String { AvroSchema.namespace(of: fullname) }
    }
}
