import Testing

@testable import Search

@Suite struct TSVectorTests {
    @Test func numbersPositionsThroughTitleAndBodyWithPairsAtTheirFirstWord() {
        #expect(
            TSVector(title: "The End", body: "of THE end").literal
                == "'the':1A,4B 'end':2A,5B '_the_end':1A,4B 'of':3B '_of_the':3B 'the*' 'end*'")
    }

    @Test func wordsAloneKeepTheirPositions() {
        let vector = TSVector(title: "The End", body: "of THE music")
        #expect(vector.words == "'the':1A,4B 'end':2A 'of':3B 'music':5B")
        #expect(vector.literal.hasPrefix("'the':1A,4B 'end':2A '_the_end':1A"))
        #expect(TSVector(title: "", body: "").words == "")
    }

    @Test func prefixLexemesComeOnceWithoutPositions() throws {
        #expect(
            TSVector(title: "Music", body: "musical museum muse mu").literal
                == "'music':1A 'musical':2B 'museum':3B 'muse':4B 'mu':5B 'mus*' 'musi*' '~Tc4' '~h4A' '~PJN' 'muse*'")
        let query = TSQuery(try SearchQuery.parse("MUSÉ* mu* music*"))
        #expect(query.expression == "'muse*' & 'mu':* & 'music':*")
        #expect(query.rankExpression == "'muse':* & 'mu':* & 'music':*")
    }

    @Test func phrasesOfUncommonWordsAreNarrowedByTheirPairHashes() throws {
        // Within the title and within the body; "end of" is paired by its common word instead.
        #expect(TSVector(title: "Property", body: "project end of").literal.contains("'~.RV'") == false)
        #expect(TSVector(title: "Property project", body: "").literal.contains("'~JdA'"))
        #expect(!TSVector(title: "Property", body: "project").literal.contains("'~JdA'"))
        let query = TSQuery(try SearchQuery.parse(#""Property PROJECT""#))
        #expect(query.expression == "'~JdA'")
        #expect(query.rankExpression == "('property' <-> 'project')")
        #expect(query.check == "('property' <-> 'project')")
    }

    @Test func foldsCaseAndDiacriticsLikeTheQuery() throws {
        #expect(TSVector(title: "Café", body: "").literal == "'cafe':1A 'caf*' 'cafe*'")
        #expect(TSQuery(try SearchQuery.parse("CAFÉ")).expression == "'cafe'")
    }

    @Test func keepsPostgreSQLsLimits() {
        let long = String(repeating: "x", count: TSVector.maxLexemeBytes + 1)
        // A word too long for a lexeme still has its prefixes.
        #expect(TSVector(title: "", body: "a \(long) b").literal == "'a':1B 'b':3B '~DGu' 'xxx*' 'xxxx*'")

        let repeated = TSVector(title: "", body: Array(repeating: "w", count: TSVector.maxPositions + 10).joined(separator: " "))
        #expect(repeated.literal.split(separator: ",").count == TSVector.maxPositions)
        #expect(repeated.literal.hasSuffix(",\(TSVector.maxPositions)B '\(TSVector.pairHash("w", "w"))'"))

        // Past the last position every further word sits at it, once.
        let far = TSVector(title: "", body: Array(repeating: "filler", count: TSVector.maxPosition).joined(separator: " ") + " x y")
        #expect(far.literal.contains("'x':\(TSVector.maxPosition)B 'y':\(TSVector.maxPosition)B"))

        // Words beyond what PostgreSQL takes are left out rather than failing the whole vector.
        let words = (0..<120_000).map { "w\(String($0, radix: 36))xxxx" }
        let entries = TSVector(title: "", body: words.joined(separator: " ")).literal.split(separator: " ")
            .map { entry in
                let parts = entry.split(separator: ":")
                return (lexeme: parts[0].dropFirst().dropLast(), positions: parts.count > 1 ? parts[1].split(separator: ",").count : 0)
            }
        let size = entries.reduce(0) { $0 + ($1.lexeme.utf8.count + 1) / 2 * 2 + ($1.positions > 0 ? 2 + 2 * $1.positions : 0) }
        #expect(size <= TSVector.maxSize)
        let lexemes = entries.map(\.lexeme)
        #expect(lexemes.first == "w0xxxx")
        #expect(lexemes.count < words.count)
    }
}
