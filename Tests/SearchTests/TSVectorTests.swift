import Testing

@testable import Search

@Suite struct TSVectorTests {
    /// The indexed lexemes without their bucket markers.
    func lexemes(_ vector: TSVector) -> String { vector.indexed.replacingOccurrences(of: TSVector.bucketMarker, with: "") }

    @Test func wordsAreNumberedThroughTitleAndBodyAndIndexedWithTheirPairsWithoutPositions() {
        let vector = TSVector(title: "The End", body: "of THE end")
        #expect(vector.words == "'the':1A,4B 'end':2A,5B 'of':3B")
        #expect(lexemes(vector) == "'the' 'end' 'of' '_the_end' 'the*' 'end*' '_of_the'")
        #expect(vector.indexed.split(separator: " ").allSatisfy { $0.hasPrefix("'" + TSVector.bucketMarker) })
        #expect(TSVector(title: "", body: "").words == "")
        #expect(TSVector(title: "", body: "").indexed == "")
    }

    @Test func prefixLexemesComeOnceWithoutPositions() throws {
        #expect(
            lexemes(TSVector(title: "Music", body: "musical museum muse mu"))
                == "'music' 'musical' 'museum' 'muse' 'mu' 'mus*' 'musi*' '~Tc4' '~h4A' '~PJN' 'muse*'")
        let query = TSQuery(try SearchQuery.parse("MUSÉ* mu* music*"))
        #expect(query.expression == "'\u{1}muse*' & '\u{1}mu':* & '\u{1}music':*")
        #expect(query.rankExpression == "'muse':* | 'mu':* | 'music':*")
    }

    @Test func phrasesOfUncommonWordsAreNarrowedByTheirPairHashes() throws {
        // Within the title and within the body; "end of" is paired by its common word instead.
        #expect(lexemes(TSVector(title: "Property", body: "project end of")).contains("'~.RV'") == false)
        #expect(lexemes(TSVector(title: "Property project", body: "")).contains("'~JdA'"))
        #expect(!lexemes(TSVector(title: "Property", body: "project")).contains("'~JdA'"))
        let query = TSQuery(try SearchQuery.parse(#""Property PROJECT""#))
        #expect(query.expression == "'\u{1}~JdA'")
        #expect(query.rankExpression == "'property' | 'project'")
        #expect(query.check == "('property' <-> 'project')")
    }

    @Test func foldsCaseAndDiacriticsLikeTheQuery() throws {
        #expect(TSVector(title: "Café", body: "").words == "'cafe':1A")
        #expect(lexemes(TSVector(title: "Café", body: "")) == "'cafe' 'caf*' 'cafe*'")
        #expect(TSQuery(try SearchQuery.parse("CAFÉ")).expression == "'\u{1}cafe'")
    }

    @Test func keepsPostgreSQLsLimits() {
        let long = String(repeating: "x", count: TSVector.maxLexemeBytes + 1)
        // A word too long for a lexeme still has its prefixes.
        let withLong = TSVector(title: "", body: "a \(long) b")
        #expect(withLong.words == "'a':1B 'b':3B")
        // Its pair token with "a" would be too long as well; its pair with "b" is a hash.
        #expect(lexemes(withLong) == "'a' 'b' '\(TSVector.pairHash(long, "b"))' 'xxx*' 'xxxx*'")

        let repeated = TSVector(title: "", body: Array(repeating: "w", count: TSVector.maxPositions + 10).joined(separator: " "))
        #expect(repeated.words.split(separator: ",").count == TSVector.maxPositions)
        #expect(repeated.words.hasSuffix(",\(TSVector.maxPositions)B"))
        #expect(lexemes(repeated) == "'w' '\(TSVector.pairHash("w", "w"))'")

        // Past the last position every further word sits at it, once.
        let far = TSVector(title: "", body: Array(repeating: "filler", count: TSVector.maxPosition).joined(separator: " ") + " x y")
        #expect(far.words.contains("'x':\(TSVector.maxPosition)B 'y':\(TSVector.maxPosition)B"))

        // Words beyond what PostgreSQL takes are left out rather than failing the whole vector.
        let words = (0..<120_000).map { "w\(String($0, radix: 36))xxxx" }
        let vector = TSVector(title: "", body: words.joined(separator: " "))
        let entries = vector.words.split(separator: " ")
            .map { entry in
                let parts = entry.split(separator: ":")
                return (lexeme: parts[0].dropFirst().dropLast(), positions: parts[1].split(separator: ",").count)
            }
        #expect(entries.reduce(0) { $0 + ($1.lexeme.utf8.count + 1) / 2 * 2 + 2 + 2 * $1.positions } <= TSVector.maxSize)
        // Each indexed lexeme once the search writes a bucket of up to `bucketBytes` into it.
        let indexed = lexemes(vector).split(separator: " ")
        #expect(indexed.reduce(0) { $0 + ($1.utf8.count - 2 + TSVector.bucketBytes + 1) / 2 * 2 } <= TSVector.maxSize)
        let lexemes = entries.map(\.lexeme)
        #expect(lexemes.count < words.count)
    }
}
