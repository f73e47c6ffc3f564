import Testing
@testable import AcmeAvro

@Suite struct VarintTests {
    private func encodeLong(_ value: Int64) -> [UInt8] {
        var writer = AvroBinaryWriter()
        writer.writeLong(value)
        return writer.bytes
    }

    static let knownEncodings: [(Int64, [UInt8])] = [
        (0, [0x00]), (-1, [0x01]), (1, [0x02]), (-2, [0x03]), (2, [0x04]), (-64, [0x7F]), (64, [0x80, 0x01]),
        (8192, [0x80, 0x80, 0x01]), (Int64(Int32.max), [0xFE, 0xFF, 0xFF, 0xFF, 0x0F]),
        (Int64(Int32.min), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        (Int64.max, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        (Int64.min, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ]

    @Test(arguments: knownEncodings)
    func longsEncodeAsZigZagVarints(value: Int64, bytes: [UInt8]) throws {
        #expect(encodeLong(value) == bytes)
        var reader = AvroBinaryReader(bytes)
        #expect(try reader.readLong() == value)
        #expect(reader.isAtEnd)
    }

    @Test func edgeValuesRoundTripAsLongsAndInts() throws {
        let longs: [Int64] = [0, 1, -1, 63, -64, 64, -65, 127, 128, Int64(Int32.max), Int64(Int32.min), Int64(Int32.max) + 1,
                              Int64(Int32.min) - 1, 1 << 62, -(1 << 62), Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        for value in longs {
            var reader = AvroBinaryReader(encodeLong(value))
            #expect(try reader.readLong() == value)
        }
        for value: Int32 in [0, 1, -1, Int32.max, Int32.min, Int32.max - 1, Int32.min + 1, 1 << 30] {
            var writer = AvroBinaryWriter()
            writer.writeInt(value)
            #expect(writer.bytes.count <= 5)
            var reader = AvroBinaryReader(writer.bytes)
            #expect(try reader.readInt() == value)
        }
    }

    @Test func varintLongerThanTenBytesIsRejected() {
        var reader = AvroBinaryReader([UInt8](repeating: 0x80, count: 10) + [0x00])
        #expect(throws: AvroError.invalidVarint("longer than 10 bytes")) { try reader.readLong() }
    }

    @Test func varintOverflowingSixtyFourBitsIsRejected() {
        var reader = AvroBinaryReader([UInt8](repeating: 0xFF, count: 9) + [0x02])
        #expect(throws: AvroError.invalidVarint("long value does not fit in 64 bits")) { try reader.readLong() }
    }

    @Test func intVarintsAreLimitedToThirtyTwoBits() {
        var tooLong = AvroBinaryReader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])
        #expect(throws: AvroError.invalidVarint("longer than 5 bytes")) { try tooLong.readInt() }
        var tooBig = AvroBinaryReader([0xFF, 0xFF, 0xFF, 0xFF, 0x1F])
        #expect(throws: AvroError.invalidVarint("int value does not fit in 32 bits")) { try tooBig.readInt() }
        var longAsInt = AvroBinaryReader([0x80, 0x80, 0x80, 0x80, 0x10])
        #expect(throws: AvroError.self) { try longAsInt.readInt() }
    }

    @Test func truncatedVarintIsAnError() {
        var reader = AvroBinaryReader([0x80, 0x80])
        #expect(throws: AvroError.truncated("the input ends inside a varint")) { try reader.readLong() }
        var empty = AvroBinaryReader([])
        #expect(throws: AvroError.self) { try empty.readLong() }
    }
}
