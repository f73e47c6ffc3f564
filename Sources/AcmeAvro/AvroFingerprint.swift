/// The 64-bit Rabin fingerprint the specification defines for schemas (CRC-64-AVRO).
public enum AvroFingerprint {
    /// The fingerprint of the empty input, and the polynomial's seed.
    static let empty: UInt64 = 0xC15D_213A_A4D7_A795

    private static let table: [UInt64] = (0..<256).map { index in
        var value = UInt64(index)
        for _ in 0..<8 { value = (value >> 1) ^ (empty & (0 &- (value & 1))) }
        return value
    }

    /// The fingerprint of `bytes`, e.g. of a schema's canonical form in UTF-8.
    public static func rabin(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var fingerprint = empty
        for byte in bytes {
            fingerprint = (fingerprint >> 8) ^ table[Int((fingerprint ^ UInt64(byte)) & 0xFF)]
        }
        return fingerprint
    }

    /// The fingerprint as 8 little-endian bytes, the order single-object encoding and most tools use.
    public static func littleEndianBytes(_ fingerprint: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: fingerprint >> UInt64(8 * $0)) }
    }
}
