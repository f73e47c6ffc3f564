import Foundation
import Testing
@testable import AcmeAvro

/// Container files written here must read in fastavro and the other way round, with the same values,
/// canonical forms and fingerprints. Needs `python3` with fastavro (`python3 -m pip install fastavro`, which
/// scripts/test does); without it these tests fail, they do not skip.
@Suite struct FastavroInteropTests {
    static let script = TestSupport.repoRoot.appendingPathComponent("scripts/avro_interop.py").path

    /// A schema with every type, union branches of every kind, logical types and recursion.
    static let everythingSchema = #"""
    {"type":"record","name":"Everything","namespace":"t.k","fields":[
      {"name":"n","type":"null"},{"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},
      {"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"by","type":"bytes"},{"name":"s","type":"string"},
      {"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
      {"name":"a","type":{"type":"array","items":"long"}},{"name":"m","type":{"type":"map","values":["null","string"]}},
      {"name":"u","type":["null","int","string","Color",{"type":"fixed","name":"Four","size":4},{"type":"array","items":"string"},
                          {"type":"map","values":"double"},{"type":"record","name":"Leaf","fields":[{"name":"x","type":"int"}]}]},
      {"name":"fx","type":"Four"},{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
      {"name":"tu","type":{"type":"long","logicalType":"timestamp-micros"}},
      {"name":"next","type":["null","Everything"],"default":null}]}
    """#

    static func everythingValues() -> [AvroValue] {
        let unionValues: [AvroValue] = [
            .union(branch: 0, value: .null), .union(branch: 1, value: .int(-7)), .union(branch: 2, value: .string("GREEN")),
            .union(branch: 3, value: .enumeration("GREEN")), .union(branch: 4, value: .fixed([0, 1, 254, 255])),
            .union(branch: 5, value: .array([.string("x")])), .union(branch: 6, value: .map(["pi": .double(3.25)])),
            .union(branch: 7, value: .record(["x": .int(Int32.min)])),
        ]
        return unionValues.enumerated().map { index, union in
            var fields: [String: AvroValue] = [
                "n": .null, "b": .boolean(index % 2 == 0), "i": .int(Int32.max - Int32(index)), "l": .long(Int64.min + Int64(index)),
                "f": .float(-1.5), "d": .double(1e300), "by": .bytes([0, 10, 128, 255]), "s": .string("ünïcødé ✓ \"q\" \n"),
                "e": .enumeration(index % 2 == 0 ? "RED" : "GREEN"), "a": .array((0..<index).map { .long(Int64($0) << 40) }),
                "m": .map(["k": .union(branch: 1, value: .string("v")), "nil": .union(branch: 0, value: .null)]), "u": union,
                "fx": .fixed([1, 2, 3, 4]), "ts": .long(1_795_629_600_123), "tu": .long(-1_000_001),
                "next": .union(branch: 0, value: .null),
            ]
            if index == 3 {
                var inner = fields
                inner["a"] = .array([])
                fields["next"] = .union(branch: 1, value: .record(inner))
            }
            return .record(fields)
        }
    }

    /// Schemas to test with: every file in schemas/ (values from the sample events) and the one above.
    static func cases() throws -> [(name: String, schemaText: String, values: [AvroValue])] {
        var cases: [(String, String, [AvroValue])] = []
        for file in try TestSupport.schemaFiles() {
            let text = try TestSupport.schemaText(file)
            let bridge = try AvroJSONBridge(schema: AvroSchema(parsing: text), nullFields: .explicitAtTopLevel)
            let values = try (SampleEvents.bySchemaFile[file] ?? []).map { try bridge.avroValue(from: JSONValue(parsing: $0)) }
            cases.append((file, text, values))
        }
        cases.append(("everything", everythingSchema, everythingValues()))
        return cases
    }

    private func python(_ arguments: [String], input: Data = Data()) throws -> Data {
        let result = try TestSupport.run(["python3", Self.script] + arguments, input: input)
        guard result.status == 0 else {
            throw InteropFailure(message: "avro_interop.py \(arguments.first ?? "") exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    struct InteropFailure: Error, CustomStringConvertible { var message: String; var description: String { message } }

    /// Fails (does not skip) when python3 or fastavro is missing, saying how to install it.
    private func requireFastavro() -> Bool {
        let result = try? TestSupport.run(["python3", Self.script, "check"])
        guard let result, result.status == 0 else {
            Issue.record("""
                The Avro interoperability tests need python3 with fastavro: run `python3 -m pip install 'fastavro>=1.10'` \
                (scripts/test does). \(result?.stderr ?? "python3 was not found on PATH.")
                """)
            return false
        }
        return true
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func pythonWithFastavroIsInstalled() {
        _ = requireFastavro()
    }

    @Test(arguments: AvroCodec.allCases)
    func filesWrittenHereReadInFastavro(codec: AvroCodec) throws {
        guard requireFastavro() else { return }
        for (name, schemaText, values) in try Self.cases() {
            let schema = try AvroSchema(parsing: schemaText)
            let file = TestSupport.temporaryFile(".avro")
            defer { try? FileManager.default.removeItem(at: file) }
            var writer = try AvroContainerWriter(schema: schema, codec: codec, blockSize: 300)
            try writer.append(contentsOf: values)
            try Data(try writer.finish()).write(to: file)

            let output = try JSONValue(parsing: [UInt8](try python(["read", file.path])))
            #expect(output["codec"] == .string(codec.rawValue), "\(name)")
            #expect(output["canonical"] == .string(schema.canonicalForm), "\(name)")
            #expect(output["fingerprint"] == .string(hex(AvroFingerprint.littleEndianBytes(schema.fingerprint))), "\(name)")
            let tagged = try TaggedJSON(schema: schema)
            let expected = try values.map { try tagged.encode($0, schema) }
            guard case .array(let records)? = output["records"] else { Issue.record("\(name): no records"); continue }
            #expect(records.count == values.count, "\(name)")
            for (read, written) in zip(records, expected) { #expect(read == written, "\(name)") }
        }
    }

    @Test(arguments: AvroCodec.allCases)
    func filesWrittenByFastavroReadHere(codec: AvroCodec) throws {
        guard requireFastavro() else { return }
        for (name, schemaText, values) in try Self.cases() {
            let schema = try AvroSchema(parsing: schemaText)
            let schemaFile = TestSupport.temporaryFile(".avsc"), dataFile = TestSupport.temporaryFile(".avro")
            defer { for file in [schemaFile, dataFile] { try? FileManager.default.removeItem(at: file) } }
            try Data(schemaText.utf8).write(to: schemaFile)
            let tagged = try TaggedJSON(schema: schema)
            let input = JSONValue.array(try values.map { try tagged.encode($0, schema) }).serializedBytes
            _ = try python(["write", schemaFile.path, codec.rawValue, dataFile.path], input: Data(input))

            let reader = try AvroContainerReader(bytes: [UInt8](try Data(contentsOf: dataFile)))
            #expect(reader.codec == codec, "\(name)")
            #expect(reader.writerSchema.canonicalForm == schema.canonicalForm, "\(name)")
            let read = try reader.values()
            #expect(read.count == values.count, "\(name)")
            for (value, expected) in zip(read, values) { #expect(value == expected, "\(name)") }
            // The same events also read through the topic schema itself (fastavro's header schema lacks our annotations).
            #expect(try AvroContainerReader(bytes: [UInt8](try Data(contentsOf: dataFile)), readerSchema: schema).values() == values, "\(name)")
        }
    }

    @Test func canonicalFormsAndFingerprintsMatchFastavro() throws {
        guard requireFastavro() else { return }
        let extra = [
            #""int""#, #"{"type":"map","values":{"type":"array","items":"bytes"}}"#,
            #"{"type":"enum","name":"E","namespace":"x.y","symbols":["A"],"doc":"d","default":"A"}"#,
            #"{"type":"record","name":"R","fields":[{"name":"r","type":{"type":"record","name":"S","namespace":"","fields":[]}},{"name":"s","type":"S"}]}"#,
        ]
        var schemas = try Self.cases().map(\.schemaText)
        schemas.append(contentsOf: extra)
        for text in schemas {
            let schema = try AvroSchema(parsing: text)
            let file = TestSupport.temporaryFile(".avsc")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data(text.utf8).write(to: file)
            let output = try JSONValue(parsing: [UInt8](try python(["canonical", file.path])))
            #expect(output["canonical"] == .string(schema.canonicalForm))
            #expect(output["fingerprint"] == .string(hex(AvroFingerprint.littleEndianBytes(schema.fingerprint))))
        }
    }
}
