import Testing
@testable import AcmeAvro

@Suite struct SchemaParsingTests {
    private func expectInvalid(_ text: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let schema = try AvroSchema(parsing: text)
            Issue.record("parsed \(schema.canonicalForm)", sourceLocation: sourceLocation)
        } catch {
            #expect("\(error)".contains(fragment), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func primitivesParseFromNamesAndObjects() throws {
        #expect(try AvroSchema(parsing: #""int""#) == .int)
        #expect(try AvroSchema(parsing: #"{"type":"string"}"#) == .string)
        #expect(try AvroSchema(parsing: #"{"type":"long","logicalType":"timestamp-millis"}"#) == .logical(.timestampMillis, .long))
        #expect(try AvroSchema(parsing: #"{"type":"long","logicalType":"timestamp-micros"}"#) == .logical(.timestampMicros, .long))
    }

    @Test func namespacesResolveFullnamesAndReferences() throws {
        let schema = try AvroSchema(parsing: #"""
        {"type":"record","name":"Outer","namespace":"com.acme","fields":[
          {"name":"a","type":{"type":"enum","name":"Color","symbols":["RED"]}},
          {"name":"b","type":"Color"},
          {"name":"c","type":{"type":"record","name":"other.Inner","fields":[{"name":"x","type":{"type":"fixed","name":"F","size":1}}]}},
          {"name":"d","type":"other.F"},
          {"name":"e","type":"com.acme.Color"},
          {"name":"f","type":{"type":"record","name":"Top","namespace":"","fields":[]}},
          {"name":"g","type":"Top"}]}
        """#)
        guard case .record(let outer) = schema else { Issue.record("not a record"); return }
        #expect(outer.fullname == "com.acme.Outer")
        #expect(outer.namespace == "com.acme" && outer.name == "Outer")
        #expect(outer.fields.map(\.type.fullname) == ["com.acme.Color", "com.acme.Color", "other.Inner", "other.F", "com.acme.Color", "Top", "Top"])
        #expect(outer.fields[1].type == .reference("com.acme.Color"))
        #expect(try AvroNames(schema).definitions.keys.sorted() == ["Top", "com.acme.Color", "com.acme.Outer", "other.F", "other.Inner"])
    }

    @Test func docsDefaultsAliasesAndExtraAttributesArePreserved() throws {
        let schema = try AvroSchema(parsing: #"""
        {"type":"record","name":"R","namespace":"n","doc":"A record.","aliases":["Old"],"x-owner":"team",
         "fields":[{"name":"f","type":["null","string"],"default":null,"doc":"A field.","aliases":["g"],"order":"ignore","discriminator":"t"}]}
        """#)
        guard case .record(let record) = schema else { Issue.record("not a record"); return }
        #expect(record.doc == "A record.")
        #expect(record.aliases == ["n.Old"])
        #expect(record.properties == ["x-owner": .string("team")])
        #expect(record.fields[0].default == .null)
        #expect(record.fields[0].doc == "A field.")
        #expect(record.fields[0].aliases == ["g"])
        #expect(record.fields[0].properties == ["order": .string("ignore"), "discriminator": .string("t")])
        #expect(try AvroSchema(parsing: schema.jsonText) == schema)
    }

    @Test func everySchemaFileRendersBackToAnEqualSchema() throws {
        for file in try TestSupport.schemaFiles() {
            let schema = try TestSupport.schema(file)
            #expect(try AvroSchema(parsing: schema.jsonText) == schema, "\(file)")
        }
    }

    @Test func duplicateNamesAreRejected() {
        expectInvalid(#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"R","symbols":["X"]}}]}"#,
                      "the name \"R\" is defined twice")
        expectInvalid(#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"long"}]}"#,
                      "R.a: the field is defined twice")
        expectInvalid(#"{"type":"enum","name":"E","symbols":["A","A"]}"#, "the symbol \"A\" appears twice")
        expectInvalid(#"{"type":"fixed","name":"int","size":1}"#, "is a primitive type name")
    }

    @Test func invalidUnionsAreRejected() {
        expectInvalid(#"["null",["int","string"]]"#, "a union may not contain a union")
        expectInvalid(#"["int","int"]"#, "the union contains \"int\" twice")
        expectInvalid(#"[{"type":"array","items":"int"},{"type":"array","items":"string"}]"#, "the union contains \"array\" twice")
        expectInvalid(#"[{"type":"map","values":"int"},{"type":"map","values":"long"}]"#, "the union contains \"map\" twice")
        expectInvalid(#"["int",{"type":"int","logicalType":"date"}]"#, "the union contains \"int\" twice")
        // Two named types of the same kind with different names are fine.
        #expect(throws: Never.self) {
            try AvroSchema(parsing: #"[{"type":"fixed","name":"A","size":1},{"type":"fixed","name":"B","size":1}]"#)
        }
    }

    @Test func defaultsMustMatchTheirType() {
        expectInvalid(#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}"#, "the default of R.a")
        expectInvalid(#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":4294967296}]}"#, "the default of R.a")
        expectInvalid(#"{"type":"record","name":"R","fields":[{"name":"a","type":["string","null"],"default":null}]}"#,
                      "the default of R.a")
        expectInvalid(#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":2},"default":"abc"}]}"#,
                      "the default of R.a")
        expectInvalid(#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["A"]},"default":"B"}]}"#,
                      "the default of R.a")
        expectInvalid(#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":"int"},"default":[1,"2"]}]}"#,
                      "the default of R.a")
        expectInvalid(#"{"type":"enum","name":"E","symbols":["A"],"default":"B"}"#, "the default \"B\" is not one of the symbols")
        #expect(throws: Never.self) {
            try AvroSchema(parsing: #"""
            {"type":"record","name":"R","fields":[
              {"name":"a","type":["null","string"],"default":null},{"name":"b","type":"long","default":5},
              {"name":"c","type":"double","default":1},{"name":"d","type":"bytes","default":"\u00ff"},
              {"name":"e","type":{"type":"map","values":"int"},"default":{"x":1}},
              {"name":"f","type":{"type":"record","name":"S","fields":[{"name":"g","type":"int","default":1}]},"default":{}}]}
            """#)
        }
    }

    @Test func malformedSchemasAreRejectedWithTheirReason() {
        expectInvalid(#""Nope""#, "unknown type \"Nope\"")
        expectInvalid(#"{"type":"record","name":"R"}"#, "a record needs a \"fields\" array")
        expectInvalid(#"{"type":"record","fields":[]}"#, "a named type needs a \"name\" string")
        expectInvalid(#"{"type":"record","name":"1R","fields":[]}"#, "is not a valid name")
        expectInvalid(#"{"type":"record","name":"R","fields":[{"name":"a-b","type":"int"}]}"#, "is not a valid field name")
        expectInvalid(#"{"type":"record","name":"R","fields":[{"name":"a"}]}"#, "the field needs a \"type\"")
        expectInvalid(#"{"type":"enum","name":"E","symbols":["no-dash"]}"#, "is not a valid enum symbol")
        expectInvalid(#"{"type":"fixed","name":"F","size":-1}"#, "non-negative integer \"size\"")
        expectInvalid(#"{"type":"array"}"#, "an array needs \"items\"")
        expectInvalid(#"{"type":"map"}"#, "a map needs \"values\"")
        expectInvalid(#"42"#, "a schema must be a string, an object or an array")
        expectInvalid(#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"sideways"}]}"#, "\"order\" must be")
        expectInvalid(#"{"type":"record","name":"R","fields":[{"name":"a","type":"R2"}]}"#, "unknown type \"R2\"")
        expectInvalid(#"{"type":"int""#, "invalid JSON")
    }

    @Test func invalidLogicalTypesAreIgnoredAndUnknownOnesKept() throws {
        #expect(try AvroSchema(parsing: #"{"type":"string","logicalType":"timestamp-millis"}"#) == .string)
        #expect(try AvroSchema(parsing: #"{"type":"bytes","logicalType":"decimal","precision":0}"#) == .bytes)
        #expect(try AvroSchema(parsing: #"{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}"#)
                == .logical(.decimal(precision: 4, scale: 2), .bytes))
        #expect(try AvroSchema(parsing: #"{"type":"string","logicalType":"acme-id"}"#) == .logical(.init(name: "acme-id"), .string))
    }

    @Test func hostileSchemaTextIsRejectedNotCrashedOn() {
        expectInvalid(String(repeating: "[", count: 100_000), "invalid JSON")
        expectInvalid(String(repeating: #"{"type":"array","items":"#, count: 220) + #""int""# + String(repeating: "}", count: 220),
                      "nested deeper")
    }
}
