/// Converts between plain JSON documents and Avro values of one schema, so a JSON event becomes Avro for its
/// topic schema and turns back into the same JSON.
///
/// The JSON is the natural shape, not the specification's JSON encoding: a record is an object, an optional
/// (`["null", T]`) is `null` or the bare value, an enum is its symbol, a map is an object, bytes and fixed are
/// strings of code points 0–255, `timestamp-millis`/`timestamp-micros` longs are ISO-8601 UTC strings
/// (`2026-11-25T18:00:00.000Z`), non-finite floats are `"NaN"`, `"Infinity"`, `"-Infinity"`. Input must fit
/// exactly: unknown members, integers out of range and lossy timestamps are errors; a missing member takes
/// its field's default.
///
/// Two schema annotations (extra attributes, ignored by other Avro tools) cover what plain JSON leaves open:
/// - `"discriminator": "<field>"` on a field whose type is a union of records (and optionally `null`): the
///   branch is the record whose `"discriminatorValue"` equals the named sibling field's string. The event
///   envelope's `payload` uses `"discriminator": "type"` and each payload record says e.g.
///   `"discriminatorValue": "document.created"`.
/// - `"contentType": "application/json"` on a `string` (or `["null", "string"]`) field: the string holds JSON
///   text and appears in the JSON document as that JSON value, written compactly with sorted keys.
public struct AvroJSONBridge: Sendable {
    /// How fields whose value is null appear in JSON output. Input accepts both forms either way: a missing
    /// member takes the field's default.
    public enum NullFields: Sendable {
        /// Every field, `"field": null` included.
        case explicit
        /// Null fields whose default is null are left out.
        case omitted
        /// Explicit in the top-level record, omitted in nested ones: the platform's events, whose envelope is
        /// written with explicit nulls and whose payloads by `JSONEncoder`, which leaves out nil optionals.
        case explicitAtTopLevel
    }

    /// The annotation names and the content type the bridge understands (see above).
    public static let discriminatorKey = "discriminator"
    public static let discriminatorValueKey = "discriminatorValue"
    public static let contentTypeKey = "contentType"
    public static let jsonContentType = "application/json"

    public let schema: AvroSchema
    public let nullFields: NullFields
    let names: AvroNames
    private let encoder: AvroEncoder
    private let decoder: AvroDecoder
    /// Discriminated union fields by `recordFullname.fieldName`.
    let discriminators: [String: Discriminator]

    struct Discriminator: Sendable {
        /// The sibling field holding the tag.
        var field: String
        var branchByTag: [String: Int]
        var tagByBranch: [Int: String]
    }

    /// Validates the annotations; fails with `.invalidSchema` on a discriminator that names no string
    /// sibling, a union branch without a tag, or a tag used twice.
    public init(schema: AvroSchema, nullFields: NullFields = .explicit) throws(AvroError) {
        self.schema = schema
        self.nullFields = nullFields
        self.names = try AvroNames(schema)
        self.encoder = try AvroEncoder(schema: schema)
        self.decoder = try AvroDecoder(schema: schema)
        var discriminators: [String: Discriminator] = [:]
        for case .record(let record) in names.definitions.values {
            for field in record.fields {
                if let discriminator = try Self.discriminator(of: field, in: record, names: names) {
                    discriminators[record.fullname + "." + field.name] = discriminator
                }
                if field.properties[Self.contentTypeKey] == .string(Self.jsonContentType) {
                    let base = try names.base(field.type)
                    guard base == .string || base == .union([.null, .string]) || base == .union([.string, .null]) else {
                        throw .invalidSchema("\(record.name).\(field.name): contentType application/json needs a string field")
                    }
                }
            }
        }
        self.discriminators = discriminators
    }

    /// The Avro value for a JSON document.
    public func avroValue(from json: JSONValue) throws(AvroError) -> AvroValue {
        try toAvro(json, schema, embedded: false, depth: 0)
    }

    /// The JSON document for an Avro value.
    public func json(from value: AvroValue) throws(AvroError) -> JSONValue {
        try toJSON(value, schema, embedded: false, topLevel: true, depth: 0)
    }

    /// JSON text to the Avro binary encoding.
    public func avroBinary(fromJSON json: [UInt8]) throws(AvroError) -> [UInt8] {
        try encoder.encode(try avroValue(from: try JSONValue(parsing: json)))
    }

    /// The Avro binary encoding to JSON text (compact, sorted keys).
    public func jsonBytes(fromAvroBinary bytes: [UInt8]) throws(AvroError) -> [UInt8] {
        try json(from: try decoder.decode(bytes)).serializedBytes
    }

    /// Nesting limit of the conversions.
    static let maxDepth = 100

    func isEmbeddedJSON(_ field: AvroSchema.Field) -> Bool {
        field.properties[Self.contentTypeKey] == .string(Self.jsonContentType)
    }

    /// Validates and indexes a field's `discriminator` annotation.
    static func discriminator(of field: AvroSchema.Field, in record: AvroSchema.Record, names: AvroNames) throws(AvroError) -> Discriminator? {
        guard let annotation = field.properties[discriminatorKey] else { return nil }
        let path = "\(record.name).\(field.name)"
        guard case .string(let sibling) = annotation, let siblingField = record.field(named: sibling), sibling != field.name,
              try names.base(siblingField.type) == .string else {
            throw .invalidSchema("\(path): \"discriminator\" must name a string field of \(record.name)")
        }
        guard case .union(let branches) = try names.base(field.type) else {
            throw .invalidSchema("\(path): a discriminated field must be a union of records")
        }
        var discriminator = Discriminator(field: sibling, branchByTag: [:], tagByBranch: [:])
        for (index, branch) in branches.enumerated() {
            switch try names.base(branch) {
            case .null: continue
            case .record(let variant):
                guard case .string(let tag)? = variant.properties[discriminatorValueKey] else {
                    throw .invalidSchema("\(path): the variant \(variant.name) has no \"discriminatorValue\"")
                }
                guard discriminator.branchByTag.updateValue(index, forKey: tag) == nil else {
                    throw .invalidSchema("\(path): two variants have the discriminatorValue \"\(tag)\"")
                }
                discriminator.tagByBranch[index] = tag
            default:
                throw .invalidSchema("\(path): a discriminated union may hold only records and null")
            }
        }
        return discriminator
    }

    static func timestampUnits(_ schema: AvroSchema) -> Int64? {
        switch schema.logicalType {
        case .timestampMillis?: 1000
        case .timestampMicros?: 1_000_000
        default: nil
        }
    }

    static func describe(_ schema: AvroSchema) -> String {
        switch schema {
        case .record(let record): "record \(record.name)"
        case .enumeration(let enumeration): "enum \(enumeration.name)"
        case .fixed(let fixed): "fixed \(fixed.name)"
        default: schema.branchName
        }
    }
}
