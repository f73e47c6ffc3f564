import Testing
@testable import AcmeAvro

/// Every sample JSON event → Avro (its topic's schema) → binary → Avro → JSON gives back the same JSON, byte
/// for byte.
@Suite struct EventRoundTripTests {
    static let schemaFiles = SampleEvents.bySchemaFile.keys.sorted()

    @Test(arguments: schemaFiles)
    func sampleEventsRoundTripThroughAvro(file: String) throws {
        let schema = try TestSupport.schema(file)
        let bridge = try AvroJSONBridge(schema: schema, nullFields: .explicitAtTopLevel)
        let encoder = try AvroEncoder(schema: schema)
        let decoder = try AvroDecoder(schema: schema)
        for text in SampleEvents.bySchemaFile[file]! {
            let json = try JSONValue(parsing: text)
            let bytes = try encoder.encode(try bridge.avroValue(from: json))
            let back = try bridge.json(from: try decoder.decode(bytes))
            #expect(back == json)
            #expect(back.serialized == text)
            #expect(try bridge.jsonBytes(fromAvroBinary: bridge.avroBinary(fromJSON: Array(text.utf8))) == Array(text.utf8))
        }
    }

    @Test(arguments: schemaFiles)
    func everyPayloadTypeHasASampleEvent(file: String) throws {
        guard case .record(let envelope) = try TestSupport.schema(file), case .union(let variants)? = envelope.field(named: "payload")?.type else {
            Issue.record("\(file) has no payload union")
            return
        }
        let tags = variants.compactMap { variant -> String? in
            guard case .record(let record) = variant, case .string(let tag)? = record.properties["discriminatorValue"] else { return nil }
            return tag
        }
        #expect(tags.count == variants.count, "every payload record of \(file) has a discriminatorValue")
        let sampled = try Set(SampleEvents.bySchemaFile[file]!.map { try JSONValue(parsing: $0)["type"]?.stringValue ?? "" })
        #expect(Set(tags) == sampled)
    }

    @Test func everySchemaFileHasSampleEvents() throws {
        #expect(try Set(TestSupport.schemaFiles()) == Set(SampleEvents.bySchemaFile.keys))
    }

    @Test func avroTakesLessThanTwoThirdsOfTheJSON() throws {
        let schema = try TestSupport.schema("acme.documents.events.avsc")
        let bridge = try AvroJSONBridge(schema: schema, nullFields: .explicitAtTopLevel)
        for text in SampleEvents.documents {
            let avro = try bridge.avroBinary(fromJSON: Array(text.utf8))
            #expect(avro.count * 3 < text.utf8.count * 2, "\(avro.count) bytes of Avro for \(text.utf8.count) of JSON")
        }
    }
}
