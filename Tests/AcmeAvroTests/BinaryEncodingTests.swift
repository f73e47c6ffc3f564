import Testing
@testable import AcmeAvro

@Suite struct BinaryEncodingTests {
    private func roundTrip(_ schemaText: String, _ value: AvroValue, _ expected: [UInt8]? = nil) throws {
        let schema = try AvroSchema(parsing: schemaText)
        let bytes = try AvroEncoder(schema: schema).encode(value)
        if let expected { #expect(bytes == expected) }
        #expect(try AvroDecoder(schema: schema).decode(bytes) == value)
    }

    @Test func primitivesUseTheSpecificationsEncodings() throws {
        try roundTrip(#""null""#, .null, [])
        try roundTrip(#""boolean""#, .boolean(true), [1])
        try roundTrip(#""boolean""#, .boolean(false), [0])
        try roundTrip(#""int""#, .int(-3), [5])
        try roundTrip(#""long""#, .long(Int64.min), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        try roundTrip(#""float""#, .float(1.5), [0x00, 0x00, 0xC0, 0x3F])
        try roundTrip(#""double""#, .double(-2.25), [0, 0, 0, 0, 0, 0, 0x02, 0xC0])
        try roundTrip(#""bytes""#, .bytes([0, 255, 7]), [6, 0, 255, 7])
        try roundTrip(#""string""#, .string("foo"), [6, 0x66, 0x6F, 0x6F])
        try roundTrip(#""string""#, .string("ünï ✓"), nil)
        try roundTrip(#""string""#, .string(""), [0])
    }

    @Test func floatingPointSpecialValuesKeepTheirBits() throws {
        let schema = AvroSchema.double
        for value in [Double.infinity, -Double.infinity, -0.0, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude] {
            #expect(try AvroDecoder(schema: schema).decode(AvroEncoder(schema: schema).encode(.double(value))) == .double(value))
        }
        let nan = try AvroDecoder(schema: .float).decode(AvroEncoder(schema: .float).encode(.float(.nan)))
        guard case .float(let decoded) = nan else { Issue.record("not a float"); return }
        #expect(decoded.isNaN)
    }

    @Test func recordsEncodeFieldsInSchemaOrder() throws {
        // The specification's example: a record of a long and a string.
        try roundTrip(
            #"{"type":"record","name":"test","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}"#,
            .record(["a": .long(27), "b": .string("foo")]), [0x36, 0x06, 0x66, 0x6F, 0x6F])
    }

    @Test func enumsEncodeTheSymbolIndex() throws {
        try roundTrip(#"{"type":"enum","name":"Suit","symbols":["SPADES","HEARTS","DIAMONDS","CLUBS"]}"#, .enumeration("DIAMONDS"), [4])
    }

    @Test func arraysAndMapsAreWrittenAsOneBlockAndAnEnd() throws {
        // The specification's example: an array of the longs 3 and 27.
        try roundTrip(#"{"type":"array","items":"long"}"#, .array([.long(3), .long(27)]), [0x04, 0x06, 0x36, 0x00])
        try roundTrip(#"{"type":"array","items":"long"}"#, .array([]), [0x00])
        try roundTrip(#"{"type":"map","values":"int"}"#, .map(["a": .int(1), "b": .int(2)]), [4, 2, 0x61, 2, 2, 0x62, 4, 0])
        try roundTrip(#"{"type":"map","values":"int"}"#, .map([:]), [0])
    }

    @Test func unionsEncodeTheBranchIndexFirst() throws {
        // The specification's example: ["null","string"] with null and with "a".
        try roundTrip(#"["null","string"]"#, .union(branch: 0, value: .null), [0x00])
        try roundTrip(#"["null","string"]"#, .union(branch: 1, value: .string("a")), [0x02, 0x02, 0x61])
    }

    @Test func fixedHasNoLengthPrefix() throws {
        try roundTrip(#"{"type":"fixed","name":"md5","size":4}"#, .fixed([1, 2, 3, 4]), [1, 2, 3, 4])
        let schema = try AvroSchema(parsing: #"{"type":"fixed","name":"md5","size":4}"#)
        #expect(throws: AvroError.self) { try AvroEncoder(schema: schema).encode(.fixed([1, 2])) }
    }

    @Test func recursiveSchemasEncodeNestedValues() throws {
        let schema = #"{"type":"record","name":"LongList","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","LongList"]}]}"#
        let list = AvroValue.record(["value": .long(1), "next": .union(branch: 1, value: .record([
            "value": .long(2), "next": .union(branch: 0, value: .null)]))])
        try roundTrip(schema, list, [0x02, 0x02, 0x04, 0x00])
    }

    @Test func logicalTypesEncodeAsTheirUnderlyingType() throws {
        try roundTrip(#"{"type":"long","logicalType":"timestamp-millis"}"#, .long(1_795_629_600_000), nil)
        try roundTrip(#"{"type":"int","logicalType":"date"}"#, .int(20_417), nil)
    }

    @Test func negativeBlockCountsWithByteSizesAreAccepted() throws {
        let schema = try AvroSchema(parsing: #"{"type":"array","items":"long"}"#)
        // Block of -2 items taking 2 bytes (3, 27), then a block of 1 item (5), then the end.
        let bytes: [UInt8] = [0x03, 0x04, 0x06, 0x36, 0x02, 0x0A, 0x00]
        #expect(try AvroDecoder(schema: schema).decode(bytes) == .array([.long(3), .long(27), .long(5)]))
        let mapSchema = try AvroSchema(parsing: #"{"type":"map","values":"string"}"#)
        #expect(try AvroDecoder(schema: mapSchema).decode([0x01, 0x08, 0x02, 0x6B, 0x02, 0x76, 0x00]) == .map(["k": .string("v")]))
    }

    @Test func blockWhoseItemsDisagreeWithItsByteSizeIsRejected() throws {
        let schema = try AvroSchema(parsing: #"{"type":"array","items":"long"}"#)
        #expect(throws: AvroError.invalidLength("a block's items took 2 bytes, its header says 3")) {
            try AvroDecoder(schema: schema).decode([0x03, 0x06, 0x06, 0x36, 0x00, 0x00])
        }
    }

    @Test func valuesThatDoNotMatchTheSchemaAreRefusedWithTheirPath() throws {
        let schema = try AvroSchema(parsing: #"{"type":"record","name":"R","fields":[{"name":"tags","type":{"type":"array","items":"string"}}]}"#)
        let encoder = try AvroEncoder(schema: schema)
        #expect(throws: AvroError.valueMismatch("/tags/1: expected string, got long")) {
            try encoder.encode(.record(["tags": .array([.string("a"), .long(1)])]))
        }
        #expect(throws: AvroError.valueMismatch("/tags: the record has no value for field tags")) { try encoder.encode(.record([:])) }
        #expect(throws: AvroError.valueMismatch("R has no field extra")) {
            try encoder.encode(.record(["tags": .array([]), "extra": .null]))
        }
        let union = try AvroEncoder(schema: AvroSchema(parsing: #"["null","string"]"#))
        #expect(throws: AvroError.self) { try union.encode(.string("bare values need their branch")) }
        #expect(throws: AvroError.self) { try union.encode(.union(branch: 2, value: .null)) }
        let enumeration = try AvroEncoder(schema: AvroSchema(parsing: #"{"type":"enum","name":"E","symbols":["A"]}"#))
        #expect(throws: AvroError.self) { try enumeration.encode(.enumeration("B")) }
    }
}
