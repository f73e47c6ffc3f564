#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Prefixed, time-ordered, opaque identifiers: `usr_01JD…` (prefix + 26-character ULID).
///
/// ULIDs sort by creation time, which keeps B-tree inserts local and lets ids double as a stable
/// pagination key.
public enum AcmeID {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public static func make(_ prefix: String, at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(prefix, milliseconds: UInt64(max(0, date.timeIntervalSince1970 * 1000)), using: &generator)
    }

    static func make(_ prefix: String, milliseconds: UInt64, using generator: inout some RandomNumberGenerator) -> String {
        // 48 bits of time then 80 random bits, written as 26 Crockford base32 digits (130 bits, top 2 zero).
        let high = (milliseconds << 16) | UInt64(generator.next() as UInt16)
        let low: UInt64 = generator.next()
        var digits = [UInt8](repeating: 0, count: 26)
        for index in 0..<26 {
            let shift = (25 - index) * 5
            let value: UInt64
            if shift >= 64 {
                value = high >> (shift - 64)
            } else if shift > 59 {
                value = (high << (64 - shift)) | (low >> shift)
            } else {
                value = low >> shift
            }
            digits[index] = alphabet[Int(value & 31)]
        }
        return prefix + "_" + String(decoding: digits, as: UTF8.self)
    }

    /// True for a well-formed id with this prefix. Routes check ids before touching storage so a
    /// malformed id is a 404 without a query.
    public static func isValid(_ id: some StringProtocol, prefix: String) -> Bool {
        let utf8 = id.utf8
        guard utf8.count == prefix.utf8.count + 27, id.hasPrefix(prefix + "_") else { return false }
        return utf8.dropFirst(prefix.utf8.count + 1).allSatisfy { alphabet.contains($0) }
    }
}
