import Testing

@testable import Search

@Suite struct TSVectorTests {
    @Test func numbersPositionsThroughTitleAndBodyWithPairsAtTheirFirstWord() {
        #expect(
            TSVector(title: "The End", body: "of THE end").literal
                == "'the':1A,4B 'end':2A,5B '_the_end':1A,4B 'th*':1A,4B 'the*':1A,4B 'en*':2A,5B 'end*':2A,5B "
                + "'of':3B '_of_the':3B 'of*':3B")
    }

    @Test func prefixLexemesKeepTheirFirstPositions() throws {
        let vector = TSVector(title: "Music", body: "musical museum muse mu m").literal
        #expect(vector.contains(" 'mu*':1A,2B,3B,4B "))
        #expect(vector.contains(" 'mus*':1A,2B,3B,4B "))
        #expect(vector.contains(" 'musi*':1A,2B "))
        #expect(vector.contains(" 'muse*':3B,4B"))
        #expect(!vector.contains("'m*'") && !vector.contains("'music*'"))
        #expect(TSQuery(try SearchQuery.parse("MUSÉ*")).expression == "'muse*'")
    }

    @Test func foldsCaseAndDiacriticsLikeTheQuery() throws {
        #expect(TSVector(title: "Café", body: "").literal == "'cafe':1A 'ca*':1A 'caf*':1A 'cafe*':1A")
        #expect(TSQuery(try SearchQuery.parse("CAFÉ")).expression == "'cafe'")
    }

    @Test func keepsPostgreSQLsLimits() {
        let long = String(repeating: "x", count: TSVector.maxLexemeBytes + 1)
        // A word too long for a lexeme still has its prefixes.
        #expect(TSVector(title: "", body: "a \(long) b").literal == "'a':1B 'b':3B 'xx*':2B 'xxx*':2B 'xxxx*':2B")

        let repeated = TSVector(title: "", body: Array(repeating: "w", count: TSVector.maxPositions + 10).joined(separator: " "))
        #expect(repeated.literal.split(separator: ",").count == TSVector.maxPositions)
        #expect(repeated.literal.hasSuffix(",\(TSVector.maxPositions)B"))

        // Past the last position every further word sits at it, once.
        let far = TSVector(title: "", body: Array(repeating: "filler", count: TSVector.maxPosition).joined(separator: " ") + " x y")
        #expect(far.literal.contains("'x':\(TSVector.maxPosition)B 'y':\(TSVector.maxPosition)B"))

        // Words beyond what PostgreSQL takes are left out rather than failing the whole vector.
        let words = (0..<120_000).map { "w\(String($0, radix: 36))xxxx" }
        let lexemes = TSVector(title: "", body: words.joined(separator: " ")).literal.split(separator: " ")
            .map { $0.split(separator: ":")[0].dropFirst().dropLast() }
        #expect(lexemes.reduce(0) { $0 + ($1.utf8.count + 1) / 2 * 2 + 4 } <= TSVector.maxSize)
        #expect(lexemes.first == "w0xxxx")
        #expect(lexemes.count < words.count)
    }
}
