/// Appends Avro's primitive encodings to a byte buffer.
struct AvroBinaryWriter {
    var bytes: [UInt8] = []

    /// Zig-zag then base-128 varint, least significant group first.
    mutating func writeLong(_ value: Int64) {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while zigzag >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
    }

    mutating func writeInt(_ value: Int32) { writeLong(Int64(value)) }

    mutating func writeBoolean(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func writeFloat(_ value: Float) {
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
    }

    mutating func writeDouble(_ value: Double) {
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    /// Length-prefixed bytes.
    mutating func writeBytes(_ value: some Collection<UInt8>) {
        writeLong(Int64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func writeString(_ value: String) { writeBytes(value.utf8) }

    mutating func writeFixed(_ value: [UInt8]) { bytes.append(contentsOf: value) }
}
