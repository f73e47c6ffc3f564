/// A hash that is the same in every process and release (Swift's `hashValue` is seeded per process,
/// which would move keys between partitions on restart).
enum PartitionHash {
    static func fnv1a(_ key: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in key.utf8 {
            hash ^= UInt32(byte)
            hash &*= 16_777_619
        }
        return hash
    }
}
