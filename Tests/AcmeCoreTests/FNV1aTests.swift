import Testing

@testable import AcmeCore

@Suite struct FNV1aTests {
    /// Stored hashes (event partitions, search pair hashes) depend on these values never changing.
    @Test func matchesThePublishedTestVectors() {
        #expect(FNV1a.hash("") == 0x811c_9dc5)
        #expect(FNV1a.hash("a") == 0xe40c_292c)
        #expect(FNV1a.hash("foobar") == 0xbf9c_f968)
        var pieces = FNV1a()
        pieces.add("foo")
        pieces.add(UInt8(ascii: "b"))
        pieces.add("ar")
        #expect(pieces.value == FNV1a.hash("foobar"))
    }
}
