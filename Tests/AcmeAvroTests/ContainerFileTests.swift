import AcmeTestSupport
import Testing
@testable import AcmeAvro

@Suite struct ContainerFileTests {
    static let schema = try! AvroSchema(parsing: #"{"type":"record","name":"Row","namespace":"t","fields":[{"name":"n","type":"long"},{"name":"s","type":"string"}]}"#)
    static let rows = (0..<500).map { AvroValue.record(["n": .long(Int64($0) * 1_000_003), "s": .string("row \($0) " + String(repeating: "x", count: $0 % 40))]) }

    @Test(arguments: AvroCodec.allCases)
    func filesRoundTripAcrossManyBlocks(codec: AvroCodec) throws {
        var writer = try AvroContainerWriter(schema: Self.schema, codec: codec, metadata: ["acme.topic": Array("t".utf8)], blockSize: 1024)
        try writer.append(contentsOf: Self.rows)
        let bytes = try writer.finish()
        #expect(Array(bytes.prefix(4)) == [0x4F, 0x62, 0x6A, 0x01])
        let reader = try AvroContainerReader(bytes: bytes)
        #expect(reader.codec == codec)
        #expect(reader.writerSchema == Self.schema)
        #expect(reader.metadata["acme.topic"] == Array("t".utf8))
        #expect(reader.metadata["avro.codec"] == Array(codec.rawValue.utf8))
        #expect(try reader.values() == Self.rows)
    }

    @Test func deflateCompresses() throws {
        let plain = try AvroContainerWriter.write(Self.rows, schema: Self.schema, codec: .null)
        let deflated = try AvroContainerWriter.write(Self.rows, schema: Self.schema, codec: .deflate)
        #expect(deflated.count < plain.count / 2)
    }

    @Test func emptyFilesHaveOnlyAHeader() throws {
        let bytes = try AvroContainerWriter.write([], schema: Self.schema)
        #expect(try AvroContainerReader(bytes: bytes).values().isEmpty)
    }

    @Test func readerSchemaResolvesOldFiles() throws {
        let newer = try AvroSchema(parsing: #"{"type":"record","name":"Row","namespace":"t","fields":[{"name":"n","type":"double"},{"name":"extra","type":"boolean","default":true}]}"#)
        let bytes = try AvroContainerWriter.write(Self.rows.prefix(2), schema: Self.schema)
        let reader = try AvroContainerReader(bytes: bytes, readerSchema: newer)
        #expect(try reader.values() == [.record(["n": .double(0), "extra": .boolean(true)]), .record(["n": .double(1_000_003), "extra": .boolean(true)])])
    }

    @Test func aWrongSyncMarkerIsDetected() throws {
        var bytes = try AvroContainerWriter.write(Self.rows.prefix(3), schema: Self.schema, codec: .null)
        bytes[bytes.count - 1] ^= 0xFF
        #expect(throws: AvroError.self) { try AvroContainerReader(bytes: bytes).values() }
        do {
            _ = try AvroContainerReader(bytes: bytes).values()
        } catch {
            #expect(error.description.contains("the sync marker does not match the header's"))
        }
    }

    @Test func headerProblemsAreReported() throws {
        #expect(throws: AvroError.invalidContainer("the file does not start with Obj\\u0001")) { try AvroContainerReader(bytes: Array("Obj2".utf8)) }
        #expect(throws: AvroError.self) { try AvroContainerReader(bytes: []) }
        #expect(throws: AvroError.invalidContainer("the metadata key avro.custom is reserved")) {
            try AvroContainerWriter(schema: .int, metadata: ["avro.custom": []])
        }
        // A file claiming the snappy codec.
        var writer = AvroBinaryWriter()
        writer.writeFixed(AvroContainerWriter.magic)
        writer.writeLong(2)
        writer.writeString("avro.schema"); writer.writeBytes(Array(#""int""#.utf8))
        writer.writeString("avro.codec"); writer.writeBytes(Array("snappy".utf8))
        writer.writeLong(0)
        writer.writeFixed([UInt8](repeating: 7, count: 16))
        #expect(throws: AvroError.codec("unsupported codec \"snappy\"")) { try AvroContainerReader(bytes: writer.bytes) }
    }

    @Test(arguments: AvroCodec.allCases)
    func everyTruncationOrCorruptionFailsCleanly(codec: AvroCodec) throws {
        let bytes = try AvroContainerWriter.write(Self.rows.prefix(20), schema: Self.schema, codec: codec)
        // Every cut fails except the one right after the header, which is a valid empty file.
        var validCuts: [Int] = []
        for length in 0..<bytes.count {
            do {
                #expect(try AvroContainerReader(bytes: Array(bytes[0..<length])).values().isEmpty)
                validCuts.append(length)
            } catch {}
        }
        #expect(validCuts.count == 1)
        var random = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            var corrupt = bytes
            corrupt[random.next(below: corrupt.count)] = UInt8(truncatingIfNeeded: random.next())
            _ = try? AvroContainerReader(bytes: corrupt).values()
        }
    }

    @Test func blocksThatExpandTooMuchAreRefused() throws {
        let big = AvroValue.record(["n": .long(0), "s": .string(String(repeating: "a", count: 1 << 20))])
        let bytes = try AvroContainerWriter.write([big], schema: Self.schema, codec: .deflate)
        #expect(bytes.count < 10_000)
        do {
            _ = try AvroContainerReader(bytes: bytes, maxBlockSize: 64 * 1024).values()
            Issue.record("read a block beyond the limit")
        } catch {
            #expect(error.description.contains("a deflate block expands beyond 65536 bytes"))
        }
        #expect(try AvroContainerReader(bytes: bytes).values() == [big])
    }
}
