import Testing
@testable import AcmeAvro

@Suite struct CompatibilityTests {
    private func issues(reader: String, writer: String) throws -> [String] {
        AvroCompatibility.check(reader: try AvroSchema(parsing: reader), writer: try AvroSchema(parsing: writer)).map(\.description)
    }

    private func record(_ fields: String, name: String = "R") -> String {
        #"{"type":"record","name":"\#(name)","fields":[\#(fields)]}"#
    }

    @Test func identicalSchemasAreCompatible() throws {
        for file in try TestSupport.schemaFiles() {
            let schema = try TestSupport.schema(file)
            #expect(AvroCompatibility.check(reader: schema, writer: schema).isEmpty, "\(file)")
        }
    }

    @Test func addingAFieldNeedsADefault() throws {
        let old = record(#"{"name":"a","type":"string"}"#)
        #expect(try issues(reader: record(#"{"name":"a","type":"string"},{"name":"b","type":"string"}"#), writer: old)
                == ["R.b: field added without a default"])
        #expect(try issues(reader: record(#"{"name":"a","type":"string"},{"name":"b","type":["null","string"],"default":null}"#), writer: old)
                .isEmpty)
    }

    @Test func removingAFieldIsCompatibleForReadersButNotTheOtherWay() throws {
        let old = record(#"{"name":"a","type":"string"},{"name":"b","type":"int"}"#)
        let new = record(#"{"name":"a","type":"string"}"#)
        #expect(try issues(reader: new, writer: old).isEmpty)
        #expect(try issues(reader: old, writer: new) == ["R.b: field added without a default"])
    }

    @Test func typeChangesMustBePromotions() throws {
        #expect(try issues(reader: #""long""#, writer: #""int""#).isEmpty)
        #expect(try issues(reader: #""double""#, writer: #""float""#).isEmpty)
        #expect(try issues(reader: #""bytes""#, writer: #""string""#).isEmpty)
        #expect(try issues(reader: #""int""#, writer: #""long""#) == ["int: type changed from long to int"])
        #expect(try issues(reader: record(#"{"name":"a","type":"string"}"#), writer: record(#"{"name":"a","type":"long"}"#))
                == ["R.a: type changed from long to string"])
        #expect(try issues(reader: #"{"type":"array","items":"int"}"#, writer: #"{"type":"array","items":"string"}"#)
                == ["array[]: type changed from string to int"])
        #expect(try issues(reader: #"{"type":"map","values":"int"}"#, writer: #"{"type":"array","items":"int"}"#).count == 1)
    }

    @Test func unionsMustCoverEveryWriterBranch() throws {
        #expect(try issues(reader: #"["null","string"]"#, writer: #""string""#).isEmpty)
        #expect(try issues(reader: #"["null","string","long"]"#, writer: #"["null","string"]"#).isEmpty)
        #expect(try issues(reader: #"["null","string"]"#, writer: #"["null","string","long"]"#)
                == ["union<long>: the reader's union has no branch for the writer's long"])
        #expect(try issues(reader: #""string""#, writer: #"["null","string"]"#) == ["string<null>: type changed from null to string"])
        // Making a required field optional is compatible; the reverse is not.
        #expect(try issues(reader: record(#"{"name":"a","type":["null","string"],"default":null}"#), writer: record(#"{"name":"a","type":"string"}"#))
                .isEmpty)
        #expect(try !issues(reader: record(#"{"name":"a","type":"string"}"#), writer: record(#"{"name":"a","type":["null","string"],"default":null}"#))
                .isEmpty)
    }

    @Test func payloadVariantsMayBeAddedButNotRemoved() throws {
        let a = record(#"{"name":"x","type":"int"}"#, name: "A")
        let b = record("", name: "B")
        let envelope = { (variants: String) in record(#"{"name":"payload","type":[\#(variants)]}"#, name: "Event") }
        #expect(try issues(reader: envelope(a + "," + b), writer: envelope(a)).isEmpty)
        #expect(try issues(reader: envelope(a), writer: envelope(a + "," + b))
                == ["Event.payload<B>: the reader's union has no branch for the writer's B"])
    }

    @Test func enumSymbolsMayOnlyBeRemovedWithADefault() throws {
        let old = #"{"type":"enum","name":"E","symbols":["A","B"]}"#
        #expect(try issues(reader: #"{"type":"enum","name":"E","symbols":["A","B","C"]}"#, writer: old).isEmpty)
        #expect(try issues(reader: #"{"type":"enum","name":"E","symbols":["A"]}"#, writer: old)
                == ["E: symbols B removed and the enum has no default"])
        #expect(try issues(reader: #"{"type":"enum","name":"E","symbols":["A","X"],"default":"X"}"#, writer: old).isEmpty)
    }

    @Test func renamesNeedAliasesAndFixedSizesMustAgree() throws {
        #expect(try issues(reader: record("", name: "x.New"), writer: record("", name: "x.Old"))
                == ["New: record x.Old was renamed to x.New without an alias"])
        #expect(try issues(reader: #"{"type":"record","name":"x.New","aliases":["Old"],"fields":[]}"#, writer: record("", name: "x.Old")).isEmpty)
        #expect(try issues(reader: record(#"{"name":"b","type":"int","aliases":["a"]}"#), writer: record(#"{"name":"a","type":"int"}"#)).isEmpty)
        #expect(try issues(reader: #"{"type":"fixed","name":"F","size":2}"#, writer: #"{"type":"fixed","name":"F","size":1}"#)
                == ["F: fixed size changed from 1 to 2"])
    }

    @Test func recursiveSchemasAreCheckedOnce() throws {
        let list = #"{"type":"record","name":"L","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","L"]}]}"#
        let longList = #"{"type":"record","name":"L","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","L"]}]}"#
        #expect(try issues(reader: longList, writer: list).isEmpty)
        #expect(try issues(reader: list, writer: longList) == ["L.v: type changed from long to int"])
    }
}
