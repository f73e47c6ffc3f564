import AcmeTestSupport
import Testing
@testable import AcmeAvro

@Suite struct JSONBridgeTests {
    static let usersSchema = try! TestSupport.schema("acme.users.events.avsc")

    private func bridge(_ text: String, _ nullFields: AvroJSONBridge.NullFields = .explicit) throws -> AvroJSONBridge {
        try AvroJSONBridge(schema: AvroSchema(parsing: text), nullFields: nullFields)
    }

    private func event(type: String, payload: String, occurredAt: String = "2026-11-25T18:00:00.000Z") throws -> JSONValue {
        try JSONValue(parsing: #"{"actor":null,"id":"evt_1","occurredAt":"\#(occurredAt)","orgId":null,"payload":\#(payload),"subject":"usr_1","subjectVersion":null,"traceparent":null,"type":"\#(type)"}"#)
    }

    private func expectError(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("no error", sourceLocation: sourceLocation)
        } catch {
            #expect("\(error)".contains(fragment), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func theTypeFieldChoosesThePayloadVariant() throws {
        let users = try AvroJSONBridge(schema: Self.usersSchema, nullFields: .explicitAtTopLevel)
        // user.updated and account.created have the same fields; only the type tells them apart.
        let payload = #"{"email":"a@example.com","name":"A","userId":"usr_1"}"#
        guard case .record(let updated) = try users.avroValue(from: event(type: "user.updated", payload: payload)),
              case .record(let created) = try users.avroValue(from: event(type: "account.created", payload: payload)),
              case .union(let updatedBranch, _)? = updated["payload"], case .union(let createdBranch, _)? = created["payload"] else {
            Issue.record("not records")
            return
        }
        #expect(updatedBranch == 1)
        #expect(createdBranch == 11)
        expectError("/payload: no variant for type \"user.renamed\"") {
            _ = try users.avroValue(from: event(type: "user.renamed", payload: payload))
        }
    }

    @Test func aPayloadThatContradictsTheTypeIsRefused() throws {
        let users = try AvroJSONBridge(schema: Self.usersSchema, nullFields: .explicitAtTopLevel)
        guard case .record(var fields) = try users.avroValue(from: event(type: "user.updated", payload: #"{"email":"e","name":"n","userId":"u"}"#)) else {
            Issue.record("not a record")
            return
        }
        fields["type"] = .string("user.created")
        expectError("/payload: the variant is user.updated but type is user.created") { _ = try users.json(from: .record(fields)) }
    }

    @Test func eventsMustMatchTheSchemaExactly() throws {
        let users = try AvroJSONBridge(schema: Self.usersSchema, nullFields: .explicitAtTopLevel)
        expectError("/payload/email: missing field email of UserCreated") {
            _ = try users.avroValue(from: event(type: "user.created", payload: #"{"name":"A","userId":"usr_1"}"#))
        }
        expectError("/payload/nickname: UserCreated has no field nickname") {
            _ = try users.avroValue(from: event(type: "user.created", payload: #"{"email":"e","name":"n","nickname":"x","userId":"u"}"#))
        }
        expectError("/payload/remaining: expected long, got string") {
            _ = try users.avroValue(from: event(type: "user.recovery_code_used", payload: #"{"remaining":"7","userId":"u"}"#))
        }
        expectError("/occurredAt: \"2026-11-25T18:00:00.0001Z\" is not an ISO-8601 timestamp") {
            _ = try users.avroValue(from: event(type: "user.deleted", payload: #"{"userId":"u"}"#, occurredAt: "2026-11-25T18:00:00.0001Z"))
        }
        expectError("/occurredAt") {
            _ = try users.avroValue(from: event(type: "user.deleted", payload: #"{"userId":"u"}"#, occurredAt: "2026-02-30T18:00:00.000Z"))
        }
    }

    @Test func missingOptionalMembersTakeTheirDefault() throws {
        let users = try AvroJSONBridge(schema: Self.usersSchema, nullFields: .explicitAtTopLevel)
        let minimal = try JSONValue(parsing: #"{"id":"evt_1","occurredAt":"2026-11-25T18:00:00.000Z","payload":{"userId":"u"},"subject":"u","type":"user.deleted"}"#)
        let full = try users.json(from: users.avroValue(from: minimal))
        #expect(full == (try event(type: "user.deleted", payload: #"{"userId":"u"}"#)).replacing("subject", with: .string("u")))
    }

    @Test func nullFieldsAreWrittenInTheChosenStyle() throws {
        let schema = #"{"type":"record","name":"Outer","fields":[{"name":"a","type":["null","long"],"default":null},{"name":"b","type":["null","string"]},{"name":"inner","type":{"type":"record","name":"Inner","fields":[{"name":"c","type":["null","long"],"default":null}]}}]}"#
        let value = AvroValue.record(["a": .union(branch: 0, value: .null), "b": .union(branch: 0, value: .null), "inner": .record(["c": .union(branch: 0, value: .null)])])
        #expect(try bridge(schema, .explicit).json(from: value).serialized == #"{"a":null,"b":null,"inner":{"c":null}}"#)
        // b has no default, so leaving it out would not read back: it stays.
        #expect(try bridge(schema, .omitted).json(from: value).serialized == #"{"b":null,"inner":{}}"#)
        #expect(try bridge(schema, .explicitAtTopLevel).json(from: value).serialized == #"{"a":null,"b":null,"inner":{}}"#)
        for style in [AvroJSONBridge.NullFields.explicit, .omitted, .explicitAtTopLevel] {
            let bridge = try bridge(schema, style)
            #expect(try bridge.avroValue(from: bridge.json(from: value)) == value)
        }
    }

    @Test func timestampsUseISO8601WithMillisecondsOrMicroseconds() throws {
        let millis = try bridge(#"{"type":"long","logicalType":"timestamp-millis"}"#)
        #expect(try millis.avroValue(from: .string("2026-11-25T18:00:00.000Z")) == .long(1_795_629_600_000))
        #expect(try millis.json(from: .long(1_795_629_600_000)) == .string("2026-11-25T18:00:00.000Z"))
        #expect(try millis.json(from: .long(-1)) == .string("1969-12-31T23:59:59.999Z"))
        #expect(try millis.avroValue(from: .string("2024-02-29T01:00:00.5+01:00")) == .long(1_709_164_800_500))
        #expect(try millis.avroValue(from: .string("2026-11-25T18:00:00Z")) == .long(1_795_629_600_000))
        #expect(throws: AvroError.self) { try millis.avroValue(from: .int(1_795_629_600_000)) }
        #expect(throws: AvroError.self) { try millis.avroValue(from: .string("2026-11-25 18:00:00Z")) }
        let micros = try bridge(#"{"type":"long","logicalType":"timestamp-micros"}"#)
        #expect(try micros.json(from: .long(1_795_629_600_000_001)) == .string("2026-11-25T18:00:00.000001Z"))
        #expect(try micros.avroValue(from: .string("2026-11-25T18:00:00.000001Z")) == .long(1_795_629_600_000_001))
        var random = SeededGenerator(seed: 42)
        for _ in 0..<1000 {
            let value = Int64(random.next() % 315_569_520_000_000) - 62_167_219_200_000
            #expect(try millis.avroValue(from: millis.json(from: .long(value))) == .long(value))
        }
    }

    @Test func embeddedJSONStringsAppearAsJSONValues() throws {
        let audit = try AvroJSONBridge(schema: TestSupport.schema("acme.audit.log.avsc"), nullFields: .explicitAtTopLevel)
        let text = SampleEvents.audit[0]
        let value = try audit.avroValue(from: JSONValue(parsing: text))
        guard case .record(let fields) = value, case .union(_, .record(let entry))? = fields["payload"] else {
            Issue.record("not an audit event")
            return
        }
        #expect(entry["details"] == .string(#"{"documentId":"doc_01JDX4S6L9M2N5P8Q1R4S7T0V3","projectId":"prj_01JDX4R2B5C8D1E4F7G0H3J6K9","size":4096,"tags":["draft","math"],"title":"Notes on the Engine","version":1}"#))
        var broken = entry
        broken["details"] = .string("{not json")
        var brokenFields = fields
        brokenFields["payload"] = .union(branch: 0, value: .record(broken))
        #expect(throws: AvroError.self) { try audit.json(from: .record(brokenFields)) }
        let nullable = try bridge(#"{"type":"record","name":"R","fields":[{"name":"d","type":["null","string"],"default":null,"contentType":"application/json"}]}"#)
        #expect(try nullable.avroValue(from: JSONValue(parsing: #"{"d":[1,{"b":2,"a":1}]}"#)) == .record(["d": .union(branch: 1, value: .string(#"[1,{"a":1,"b":2}]"#))]))
        #expect(try nullable.avroValue(from: JSONValue(parsing: #"{"d":null}"#)) == .record(["d": .union(branch: 0, value: .null)]))
    }

    @Test func otherTypesMapToTheirNaturalJSON() throws {
        let schema = #"""
        {"type":"record","name":"R","fields":[
          {"name":"b","type":"bytes"},{"name":"f","type":{"type":"fixed","name":"F","size":2}},
          {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},{"name":"m","type":{"type":"map","values":"int"}},
          {"name":"x","type":"float"},{"name":"d","type":"double"},{"name":"u","type":["null","long","string"]},{"name":"ok","type":"boolean"}]}
        """#
        let bridge = try bridge(schema)
        let json = try JSONValue(parsing: #"{"b":"\u0000\u00ff","f":"ab","e":"B","m":{"k":1},"x":0.1,"d":"NaN","u":"s","ok":false}"#)
        let value = try bridge.avroValue(from: json)
        guard case .record(let fields) = value else { Issue.record("not a record"); return }
        #expect(fields["b"] == .bytes([0, 255]))
        #expect(fields["f"] == .fixed([0x61, 0x62]))
        #expect(fields["u"] == .union(branch: 2, value: .string("s")))
        #expect(try bridge.json(from: value).serialized == #"{"b":"\u0000ÿ","d":"NaN","e":"B","f":"ab","m":{"k":1},"ok":false,"u":"s","x":0.1}"#)
        #expect(try bridge.avroValue(from: JSONValue(parsing: #"{"b":"","f":"ab","e":"A","m":{},"x":1,"d":2,"u":5,"ok":true}"#)) != value)
        #expect(throws: AvroError.self) { try bridge.avroValue(from: JSONValue(parsing: #"{"b":"","f":"abc","e":"A","m":{},"x":1,"d":2,"u":5,"ok":true}"#)) }
        #expect(throws: AvroError.self) { try bridge.avroValue(from: JSONValue(parsing: #"{"b":"✓","f":"ab","e":"A","m":{},"x":1,"d":2,"u":5,"ok":true}"#)) }
        #expect(throws: AvroError.self) { try bridge.avroValue(from: JSONValue(parsing: #"{"b":"","f":"ab","e":"C","m":{},"x":1,"d":2,"u":5,"ok":true}"#)) }
        #expect(throws: AvroError.self) { try bridge.avroValue(from: JSONValue(parsing: #"{"b":"","f":"ab","e":"A","m":{},"x":1,"d":2,"u":true,"ok":true}"#)) }
    }

    @Test func invalidAnnotationsAreRejected() {
        let variant = #"{"type":"record","name":"A","discriminatorValue":"a","fields":[]}"#
        expectError("\"discriminator\" must name a string field of E") {
            _ = try bridge(#"{"type":"record","name":"E","fields":[{"name":"p","type":[\#(variant)],"discriminator":"kind"}]}"#)
        }
        expectError("the variant B has no \"discriminatorValue\"") {
            _ = try bridge(#"{"type":"record","name":"E","fields":[{"name":"type","type":"string"},{"name":"p","type":[\#(variant),{"type":"record","name":"B","fields":[]}],"discriminator":"type"}]}"#)
        }
        expectError("two variants have the discriminatorValue \"a\"") {
            _ = try bridge(#"{"type":"record","name":"E","fields":[{"name":"type","type":"string"},{"name":"p","type":[\#(variant),{"type":"record","name":"B","discriminatorValue":"a","fields":[]}],"discriminator":"type"}]}"#)
        }
        expectError("contentType application/json needs a string field") {
            _ = try bridge(#"{"type":"record","name":"E","fields":[{"name":"d","type":"long","contentType":"application/json"}]}"#)
        }
    }
}

private extension JSONValue {
    func replacing(_ key: String, with value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }
}
