extension AvroSchema {
    /// A fixed type: exactly `size` bytes, written without a length.
    public struct Fixed: Sendable, Hashable {
        public var fullname: String
        public var aliases: [String]
        public var size: Int
        public var properties: [String: JSONValue]

        public init(fullname: String, aliases: [String] = [], size: Int, properties: [String: JSONValue] = [:]) {
            self.fullname = fullname
            self.aliases = aliases
            self.size = size
            self.properties = properties
        }

        public var name: String { AvroSchema.simpleName(of: fullname) }
        public var namespace: String { AvroSchema.namespace(of: fullname) }
    }
}
