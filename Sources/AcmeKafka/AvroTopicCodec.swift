import AcmeAvro

/// One topic's conversions between the JSON envelope and a single-event Avro container file.
struct AvroTopicCodec: Sendable {
    /// The topic's schema: what values are read into, so events written with an older (compatible) schema
    /// come out in today's shape.
    let schema: AvroSchema
    private let bridge: AvroJSONBridge
    /// An empty container file with the header already written. Every event copies it and appends its one
    /// block, so the header (and its sync marker) is built once per process, not per event.
    private let template: AvroContainerWriter

    init(schemaText: String) throws(AvroError) {
        schema = try AvroSchema(parsing: schemaText)
        // The envelope is written with explicit nulls, the payloads by JSONEncoder, which omits nil optionals.
        bridge = try AvroJSONBridge(schema: schema, nullFields: .explicitAtTopLevel)
        // The header carries the schema without its docs: a third of the size, and docs play no part in
        // reading. Defaults, logical types and the bridge's annotations stay.
        template = try AvroContainerWriter(schema: try AvroSchema(json: Self.withoutDocs(try JSONValue(parsing: schemaText))))
    }

    func containerFile(fromJSON json: [UInt8]) throws(AvroError) -> [UInt8] {
        var writer = template
        try writer.append(try bridge.avroValue(from: try JSONValue(parsing: json)))
        return try writer.finish()
    }

    func json(fromContainerFile bytes: [UInt8]) throws(AvroError) -> [UInt8] {
        let values = try AvroContainerReader(bytes: bytes, readerSchema: schema).values()
        guard values.count == 1 else { throw .invalidContainer("\(values.count) events in one message; expected 1") }
        return try bridge.json(from: values[0]).serializedBytes
    }

    /// A schema's JSON without `doc` attributes. Field defaults are values, not schema, so a `doc` member
    /// inside one is kept.
    static func withoutDocs(_ json: JSONValue) -> JSONValue {
        switch json {
        case .object(let members):
            var stripped: [String: JSONValue] = [:]
            for (key, value) in members where key != "doc" {
                stripped[key] = key == "default" ? value : withoutDocs(value)
            }
            return .object(stripped)
        case .array(let elements):
            return .array(elements.map(withoutDocs))
        default:
            return json
        }
    }
}
