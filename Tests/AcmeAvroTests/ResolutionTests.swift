import Testing
@testable import AcmeAvro

/// Reading data written with an older schema through a newer one.
@Suite struct ResolutionTests {
    private func read(_ value: AvroValue, writer writerText: String, reader readerText: String) throws -> AvroValue {
        let writer = try AvroSchema(parsing: writerText)
        let reader = try AvroSchema(parsing: readerText)
        return try AvroDecoder(writer: writer, reader: reader).decode(AvroEncoder(schema: writer).encode(value))
    }

    @Test func addedFieldsTakeTheirDefaultsAndRemovedFieldsAreSkipped() throws {
        let old = #"{"type":"record","name":"R","fields":[{"name":"a","type":"string"},{"name":"gone","type":{"type":"array","items":"long"}},{"name":"b","type":"int"}]}"#
        let new = #"""
        {"type":"record","name":"R","fields":[{"name":"b","type":"int"},{"name":"a","type":"string"},
          {"name":"note","type":["null","string"],"default":null},{"name":"count","type":"long","default":7},
          {"name":"nested","type":{"type":"record","name":"N","fields":[{"name":"x","type":"int"}]},"default":{"x":3}}]}
        """#
        let value = try read(.record(["a": .string("x"), "gone": .array([.long(1), .long(2)]), "b": .int(5)]), writer: old, reader: new)
        #expect(value == .record([
            "a": .string("x"), "b": .int(5), "note": .union(branch: 0, value: .null), "count": .long(7),
            "nested": .record(["x": .int(3)]),
        ]))
    }

    @Test func fieldAliasesAndRecordAliasesMatchOldNames() throws {
        let old = #"{"type":"record","name":"a.Old","fields":[{"name":"before","type":"int"}]}"#
        let new = #"{"type":"record","name":"b.New","aliases":["a.Old"],"fields":[{"name":"after","type":"int","aliases":["before"]}]}"#
        #expect(try read(.record(["before": .int(1)]), writer: old, reader: new) == .record(["after": .int(1)]))
    }

    @Test func numbersArePromoted() throws {
        #expect(try read(.int(-5), writer: #""int""#, reader: #""long""#) == .long(-5))
        #expect(try read(.int(3), writer: #""int""#, reader: #""float""#) == .float(3))
        #expect(try read(.int(3), writer: #""int""#, reader: #""double""#) == .double(3))
        #expect(try read(.long(1 << 40), writer: #""long""#, reader: #""double""#) == .double(1_099_511_627_776))
        #expect(try read(.long(9), writer: #""long""#, reader: #""float""#) == .float(9))
        #expect(try read(.float(0.5), writer: #""float""#, reader: #""double""#) == .double(0.5))
        #expect(try read(.array([.int(1)]), writer: #"{"type":"array","items":"int"}"#, reader: #"{"type":"array","items":"long"}"#)
                == .array([.long(1)]))
        #expect(try read(.map(["k": .int(1)]), writer: #"{"type":"map","values":"int"}"#, reader: #"{"type":"map","values":"double"}"#)
                == .map(["k": .double(1)]))
        #expect(throws: AvroError.self) { try read(.long(1), writer: #""long""#, reader: #""int""#) }
        #expect(throws: AvroError.self) { try read(.double(1), writer: #""double""#, reader: #""float""#) }
    }

    @Test func stringsAndBytesConvert() throws {
        #expect(try read(.string("é"), writer: #""string""#, reader: #""bytes""#) == .bytes([0xC3, 0xA9]))
        #expect(try read(.bytes([0x61]), writer: #""bytes""#, reader: #""string""#) == .string("a"))
        #expect(throws: AvroError.self) { try read(.bytes([0xFF]), writer: #""bytes""#, reader: #""string""#) }
    }

    @Test func unknownEnumSymbolsTakeTheReadersDefault() throws {
        let old = #"{"type":"enum","name":"E","symbols":["A","B","LEGACY"]}"#
        #expect(try read(.enumeration("B"), writer: old, reader: #"{"type":"enum","name":"E","symbols":["B","C","UNKNOWN"],"default":"UNKNOWN"}"#)
                == .enumeration("B"))
        #expect(try read(.enumeration("LEGACY"), writer: old, reader: #"{"type":"enum","name":"E","symbols":["A","B","UNKNOWN"],"default":"UNKNOWN"}"#)
                == .enumeration("UNKNOWN"))
        #expect(throws: AvroError.self) { try read(.enumeration("LEGACY"), writer: old, reader: #"{"type":"enum","name":"E","symbols":["A","B"]}"#) }
    }

    @Test func unionBranchesAreMatchedByType() throws {
        // Writer union to reader union: the branch moves to where the reader has it.
        #expect(try read(.union(branch: 1, value: .string("x")), writer: #"["null","string"]"#, reader: #"["string","null","long"]"#)
                == .union(branch: 0, value: .string("x")))
        // Non-union to union: the first branch of the same type, else the first it promotes to (as Java does).
        #expect(try read(.string("x"), writer: #""string""#, reader: #"["null","string"]"#) == .union(branch: 1, value: .string("x")))
        #expect(try read(.int(4), writer: #""int""#, reader: #"["null","double","long"]"#) == .union(branch: 1, value: .double(4)))
        // Union to non-union: works for the branches the reader can read, fails for the others.
        #expect(try read(.union(branch: 1, value: .int(2)), writer: #"["null","int"]"#, reader: #""long""#) == .long(2))
        #expect(throws: AvroError.self) { try read(.union(branch: 0, value: .null), writer: #"["null","int"]"#, reader: #""long""#) }
        // A new record branch in the payload union, and records matched by name.
        let old = #"[{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}]"#
        let new = #"[{"type":"record","name":"A","fields":[{"name":"x","type":"long"}]},{"type":"record","name":"B","fields":[]}]"#
        #expect(try read(.union(branch: 0, value: .record(["x": .int(1)])), writer: old, reader: new)
                == .union(branch: 0, value: .record(["x": .long(1)])))
        let swapped = #"[{"type":"record","name":"B","fields":[]},{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}]"#
        #expect(try read(.union(branch: 0, value: .record(["x": .int(1)])), writer: old, reader: swapped)
                == .union(branch: 1, value: .record(["x": .int(1)])))
    }

    @Test func mismatchedNamesAndMissingDefaultsFail() throws {
        #expect(throws: AvroError.self) {
            try read(.record([:]), writer: #"{"type":"record","name":"A","fields":[]}"#, reader: #"{"type":"record","name":"B","fields":[]}"#)
        }
        #expect(throws: AvroError.resolution("/x: the writer has no field x and the reader gives no default")) {
            try read(.record([:]), writer: #"{"type":"record","name":"A","fields":[]}"#,
                     reader: #"{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}"#)
        }
        #expect(throws: AvroError.self) {
            try read(.fixed([1]), writer: #"{"type":"fixed","name":"F","size":1}"#, reader: #"{"type":"fixed","name":"F","size":2}"#)
        }
    }
}
