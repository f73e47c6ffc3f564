import AcmeTestSupport
import Testing
@testable import AcmeAvro

/// Decoding untrusted bytes must end in a value or an `AvroError`: never a crash, a hang or an allocation
/// sized by a length prefix.
@Suite struct HostileInputTests {
    static let eventSchema = #"""
    {"type":"record","name":"E","fields":[
      {"name":"id","type":"string"},{"name":"n","type":"long"},{"name":"ok","type":"boolean"},
      {"name":"tags","type":{"type":"array","items":"string"}},{"name":"attrs","type":{"type":"map","values":"bytes"}},
      {"name":"kind","type":{"type":"enum","name":"K","symbols":["A","B"]}},{"name":"opt","type":["null","double"]},
      {"name":"hash","type":{"type":"fixed","name":"H","size":2}},{"name":"f","type":"float"}]}
    """#

    static let eventValue = AvroValue.record([
        "id": .string("evt_1"), "n": .long(-42), "ok": .boolean(true), "tags": .array([.string("a"), .string("ü")]),
        "attrs": .map(["k": .bytes([1, 2])]), "kind": .enumeration("B"), "opt": .union(branch: 1, value: .double(0.5)),
        "hash": .fixed([9, 9]), "f": .float(2),
    ])

    private func decoder(_ text: String) throws -> AvroDecoder { try AvroDecoder(schema: AvroSchema(parsing: text)) }

    @Test func everyTruncationOfAValidEncodingIsAnError() throws {
        let schema = try AvroSchema(parsing: Self.eventSchema)
        let bytes = try AvroEncoder(schema: schema).encode(Self.eventValue)
        let decoder = try AvroDecoder(schema: schema)
        #expect(try decoder.decode(bytes) == Self.eventValue)
        for length in 0..<bytes.count {
            #expect(throws: AvroError.self) { try decoder.decode(Array(bytes[0..<length])) }
        }
        #expect(throws: AvroError.trailingBytes(1)) { try decoder.decode(bytes + [0]) }
    }

    @Test func lengthsLargerThanTheInputAreRejectedBeforeAllocating() throws {
        let maxLong: [UInt8] = [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        #expect(throws: AvroError.invalidLength("string length 9223372036854775807 exceeds the 0 byte(s) left")) {
            try decoder(#""string""#).decode(maxLong)
        }
        #expect(throws: AvroError.invalidLength("bytes length 3 exceeds the 2 byte(s) left")) { try decoder(#""bytes""#).decode([6, 1, 2]) }
        #expect(throws: AvroError.invalidLength("negative bytes length -1")) { try decoder(#""bytes""#).decode([1]) }
        #expect(throws: AvroError.invalidLength("block of 9223372036854775807 items exceeds the 0 byte(s) left")) {
            try decoder(#"{"type":"array","items":"int"}"#).decode(maxLong)
        }
        #expect(throws: AvroError.self) { try decoder(#"{"type":"map","values":"int"}"#).decode([0x80, 0x80, 0x80, 0x80, 0x10, 2]) }
        let minLong: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        #expect(throws: AvroError.invalidLength("block count -9223372036854775808")) {
            try decoder(#"{"type":"array","items":"int"}"#).decode(minLong)
        }
        #expect(throws: AvroError.self) { try decoder(#"{"type":"array","items":"int"}"#).decode([0x01] + maxLong) }
    }

    @Test func itemsThatTakeNoBytesAreLimited() throws {
        let nulls = try decoder(#"{"type":"array","items":"null"}"#)
        #expect(try nulls.decode([0xD0, 0x0F, 0x00]) == .array(Array(repeating: .null, count: 1000)))
        #expect(throws: AvroError.self) { try nulls.decode([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00]) }
        let empty = try AvroDecoder(
            schema: AvroSchema(parsing: #"{"type":"array","items":{"type":"record","name":"Empty","fields":[]}}"#), maxZeroSizeItems: 1000)
        // Blocks of 600 items each: the first fits the per-value budget, the second does not.
        #expect(try empty.decode([0xB0, 0x09, 0x00]) == .array(Array(repeating: .record([:]), count: 600)))
        #expect(throws: AvroError.invalidLength("block of 600 zero-size items exceeds the limit of 1000")) {
            try empty.decode([0xB0, 0x09, 0xB0, 0x09, 0x00])
        }
    }

    @Test func invalidUTF8IsRejected() throws {
        #expect(throws: AvroError.invalidUTF8("string at byte 1 is not valid UTF-8")) { try decoder(#""string""#).decode([4, 0xC3, 0x28]) }
        #expect(throws: AvroError.self) { try decoder(#""string""#).decode([6, 0xED, 0xA0, 0x80]) }
        #expect(throws: AvroError.self) { try decoder(#"{"type":"map","values":"int"}"#).decode([2, 2, 0xFF, 0, 0]) }
    }

    @Test func outOfRangeIndexesAreRejected() throws {
        #expect(throws: AvroError.invalidIndex("union branch 2 of a union with 2 branches")) { try decoder(#"["null","int"]"#).decode([4]) }
        #expect(throws: AvroError.invalidIndex("union branch -1 of a union with 2 branches")) { try decoder(#"["null","int"]"#).decode([1]) }
        #expect(throws: AvroError.self) { try decoder(#"{"type":"enum","name":"E","symbols":["A"]}"#).decode([2]) }
        #expect(throws: AvroError.self) { try decoder(#"{"type":"enum","name":"E","symbols":["A"]}"#).decode([1]) }
        #expect(throws: AvroError.self) { try decoder(#""boolean""#).decode([2]) }
    }

    @Test func deepNestingHitsTheDepthLimitNotTheStack() throws {
        let nested = try decoder(#"{"type":"record","name":"N","fields":[{"name":"child","type":["null","N"]}]}"#)
        let bytes = [UInt8](repeating: 2, count: 100_000) + [0]
        #expect(throws: AvroError.depthLimitExceeded(100)) { try nested.decode(bytes) }
        let arrays = try decoder(#"{"type":"record","name":"T","fields":[{"name":"kids","type":{"type":"array","items":"T"}}]}"#)
        #expect(throws: AvroError.self) { try arrays.decode([UInt8](repeating: 2, count: 100_000)) }
    }

    @Test func randomMutationsOfValidDataNeverCrash() throws {
        let schema = try AvroSchema(parsing: Self.eventSchema)
        let valid = try AvroEncoder(schema: schema).encode(Self.eventValue)
        let decoder = try AvroDecoder(schema: schema)
        var random = SeededGenerator(seed: 0xAC3E)
        for _ in 0..<5000 {
            var bytes = valid
            for _ in 0...random.next(below: 4) {
                switch random.next(below: 3) {
                case 0: bytes[random.next(below: bytes.count)] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: random.next(below: bytes.count))
                default: if bytes.count > 1 { bytes.remove(at: random.next(below: bytes.count)) }
                }
            }
            _ = try? decoder.decode(bytes)
        }
        for _ in 0..<2000 {
            let bytes = (0..<random.next(below: 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = try? decoder.decode(bytes)
        }
    }
}
