import Testing

@testable import Search

@Suite struct LexemeStatisticsTests {
    let statistics = LexemeStatistics(rows: 100_000, fractions: ["the": 0.9, "can": 0.3, "basic": 0.012], floor: 0.003)

    @Test func boundsMatchesByTheRarestLexemeOfEachAlternative() throws {
        func estimate(_ q: String) throws -> (atMost: Double, independent: Double) {
            statistics.estimate(TSQuery(try SearchQuery.parse(q)).lookups)
        }
        #expect(try estimate("the") == (90_000, 90_000))
        // A lexeme not among the most common is rarer than the least of them.
        #expect(try estimate("partition") == (300, 300))
        let both = try estimate("can basic")
        #expect(both.atMost == 1_200)
        #expect(abs(both.independent - 360) < 0.001)
        // Alternatives add up; excluded terms are not counted.
        #expect(try estimate("(can OR basic) -the").atMost == 31_200)
        // A prefix without prefix lexemes might be anywhere.
        #expect(try estimate("kubernetes*").atMost == 100_000)
    }

    @Test func looksUpFewMatchesAtOnce() {
        #expect(PostgresSearchIndex.fewMatches((atMost: 1_200, independent: 1_200)))
        #expect(PostgresSearchIndex.fewMatches((atMost: 2_900, independent: 200)))
        #expect(!PostgresSearchIndex.fewMatches((atMost: 4_900, independent: 200)))
        #expect(!PostgresSearchIndex.fewMatches((atMost: 2_000, independent: 1_000)))
    }
}
