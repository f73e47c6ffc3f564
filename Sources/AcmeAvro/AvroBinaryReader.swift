/// Reads Avro's primitive encodings from a byte buffer, checking every length against what is left.
struct AvroBinaryReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.offset = start
        self.end = end ?? bytes.count
    }

    var remaining: Int { end - offset }
    var isAtEnd: Bool { offset >= end }

    /// A zig-zag varint of at most 10 bytes whose value fits 64 bits.
    mutating func readLong() throws(AvroError) -> Int64 {
        let raw = try readVarint(maxBytes: 10)
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A zig-zag varint of at most 5 bytes whose value fits 32 bits.
    mutating func readInt() throws(AvroError) -> Int32 {
        let raw = try readVarint(maxBytes: 5)
        guard raw <= UInt64(UInt32.max) else { throw .invalidVarint("int value does not fit in 32 bits") }
        return Int32(truncatingIfNeeded: Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))))
    }

    private mutating func readVarint(maxBytes: Int) throws(AvroError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for count in 1...maxBytes {
            guard offset < end else { throw .truncated("the input ends inside a varint") }
            let byte = bytes[offset]
            offset += 1
            let group = UInt64(byte & 0x7F)
            if shift == 63, group > 1 { throw .invalidVarint("long value does not fit in 64 bits") }
            result |= group << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if count == maxBytes { break }
        }
        throw .invalidVarint("longer than \(maxBytes) bytes")
    }

    mutating func readBoolean() throws(AvroError) -> Bool {
        guard offset < end else { throw .truncated("the input ends before a boolean") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case 0: return false
        case 1: return true
        default: throw .valueMismatch("a boolean byte must be 0 or 1, got \(byte)")
        }
    }

    mutating func readFloat() throws(AvroError) -> Float {
        let raw = try readFixed(4)
        var bits: UInt32 = 0
        for (index, byte) in raw.enumerated() { bits |= UInt32(byte) << UInt32(8 * index) }
        return Float(bitPattern: bits)
    }

    mutating func readDouble() throws(AvroError) -> Double {
        let raw = try readFixed(8)
        var bits: UInt64 = 0
        for (index, byte) in raw.enumerated() { bits |= UInt64(byte) << UInt64(8 * index) }
        return Double(bitPattern: bits)
    }

    /// A length, checked to be non-negative and no larger than the input left.
    mutating func readLength(_ what: String) throws(AvroError) -> Int {
        let length = try readLong()
        guard length >= 0 else { throw .invalidLength("negative \(what) length \(length)") }
        guard length <= Int64(remaining) else {
            throw .invalidLength("\(what) length \(length) exceeds the \(remaining) byte(s) left")
        }
        return Int(length)
    }

    mutating func readBytes() throws(AvroError) -> [UInt8] {
        try readFixed(try readLength("bytes"))
    }

    mutating func readString() throws(AvroError) -> String {
        let length = try readLength("string")
        let start = offset
        guard let string = String(validating: bytes[start..<start + length], as: UTF8.self) else {
            throw .invalidUTF8("string at byte \(start) is not valid UTF-8")
        }
        offset += length
        return string
    }

    mutating func readFixed(_ count: Int) throws(AvroError) -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw .truncated("needed \(count) byte(s) at byte \(offset), \(remaining) left")
        }
        let slice = Array(bytes[offset..<offset + count])
        offset += count
        return slice
    }

    mutating func skip(_ count: Int) throws(AvroError) {
        guard count >= 0, count <= remaining else { throw .truncated("needed \(count) byte(s), \(remaining) left") }
        offset += count
    }
}
