import Testing

@testable import Search

@Suite struct KnownTermsTests {
    @Test func unknownTermsAreTheDistinctOnesNotInsertedYet() {
        let known = KnownTerms()
        #expect(known.unknown(among: ["kestrel", "migration", "kestrel"]) == ["kestrel", "migration"])
        known.insert(["kestrel"])
        #expect(known.unknown(among: ["kestrel", "migration", "zebra", "migration"]) == ["migration", "zebra"])
        known.removeAll()
        #expect(known.unknown(among: ["kestrel"]) == ["kestrel"])
    }

    @Test func aFullSetStartsOver() {
        let known = KnownTerms()
        known.insert((0..<KnownTerms.capacity).map { "w\($0)" })
        #expect(known.unknown(among: ["w0"]).isEmpty)
        known.insert(["another"])
        // Forgotten words are sent again, which is always safe.
        #expect(known.unknown(among: ["w0", "another"]) == ["w0"])
    }
}
