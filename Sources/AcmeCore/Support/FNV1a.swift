/// FNV-1a, 32 bits: a hash that is the same in every process and release (Swift's `hashValue` is seeded per
/// process), for hashes that are stored. The embedded event log chooses a key's partition with it (a seeded hash
/// would move keys between partitions on restart), and the search index names word pairs with it.
public struct FNV1a: Sendable {
    public private(set) var value: UInt32 = 2_166_136_261

    public init() {}

    public mutating func add(_ byte: UInt8) {
        value ^= UInt32(byte)
        value &*= 16_777_619
    }

    public mutating func add(_ text: String) {
        for byte in text.utf8 { add(byte) }
    }

    public static func hash(_ text: String) -> UInt32 {
        var hash = FNV1a()
        hash.add(text)
        return hash.value
    }
}
