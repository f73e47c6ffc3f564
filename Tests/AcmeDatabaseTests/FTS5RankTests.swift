@testable import AcmeDatabase
import SQLKit
import Testing

@Suite struct FTS5RankTests {
    /// Given each phrase's true document count, `rank_bm25` scores exactly as FTS5's own `bm25()` (negated: higher
    /// is better), whether it reads each row's length itself or is handed it; without counts it still ranks.
    @Test func matchesBM25GivenTheTrueDocumentCounts() async throws {
        try await withDatabase(durability: .normal) { database in
            let rows = [
                ("quarterly report", "the report for the third quarter, with numbers"),
                ("roadmap", "what we build next quarter; the report comes later"),
                ("notes", "a report without the season"),
                ("unrelated", "nothing to see here"),
            ]
            let query = "\"report\" AND (\"quarter\" OR \"the\" *)"
            let scores = try await database.transaction { db in
                try await db.raw("CREATE VIRTUAL TABLE docs USING fts5(title, body)").run()
                try await db.raw("CREATE TABLE lengths (id INTEGER PRIMARY KEY, tokens INTEGER NOT NULL)").run()
                for (title, body) in rows {
                    try await db.raw("INSERT INTO docs (title, body) VALUES (\(bind: title), \(bind: body))").run()
                    let tokens = (title + " " + body).split { !$0.isLetter && !$0.isNumber }.count
                    try await db.raw("INSERT INTO lengths (tokens) VALUES (\(bind: tokens))").run()
                }
                var counts: [Int] = []
                for phrase in ["\"report\"", "\"quarter\"", "\"the\" *"] {
                    counts.append(try await db.raw("SELECT count(*) AS n FROM docs WHERE docs MATCH \(bind: phrase)").first()!
                        .decode(column: "n", as: Int.self))
                }
                return try await db.raw("""
                    SELECT -bm25(docs, 3.0, 1.0) AS expected, rank_bm25(docs, NULL, 3.0, 1.0, \(binds: counts)) AS actual,
                    rank_bm25(docs, l.tokens, 3.0, 1.0, \(binds: counts)) AS handed, rank_bm25(docs, NULL, 3.0, 1.0) AS uncounted
                    FROM docs JOIN lengths l ON l.id = docs.rowid WHERE docs MATCH \(bind: query) ORDER BY docs.rowid
                    """).all().map {
                    (try $0.decode(column: "expected", as: Double.self), try $0.decode(column: "actual", as: Double.self),
                     try $0.decode(column: "handed", as: Double.self), try $0.decode(column: "uncounted", as: Double.self))
                }
            }
            #expect(scores.count == 3)
            for (expected, actual, handed, uncounted) in scores {
                #expect(abs(expected - actual) < 1e-9 * max(1, abs(expected)), "\(expected) vs \(actual)")
                #expect(abs(expected - handed) < 1e-9 * max(1, abs(expected)), "\(expected) vs \(handed)")
                #expect(uncounted > 0)
            }
            #expect(scores[0].1 > scores[1].1)  // the title match outranks the body-only match
        }
    }

    /// Document counts come from a cache and may exceed the rows still there (after deletes or a reindex): the score
    /// stays a small positive number instead of NaN, which SQLite would turn into NULL.
    @Test func countsAboveTheRowCountStillScore() async throws {
        try await withDatabase(durability: .normal) { database in
            let scores = try await database.transaction { db in
                try await db.raw("CREATE VIRTUAL TABLE docs USING fts5(body)").run()
                try await db.raw("INSERT INTO docs (body) VALUES ('the report'), ('another report')").run()
                return try await db.raw("SELECT rank_bm25(docs, NULL, 1.0, 50) AS score FROM docs WHERE docs MATCH 'report'")
                    .all().map { try $0.decode(column: "score", as: Double?.self) }
            }
            #expect(scores.count == 2)
            for score in scores {
                let value = try #require(score, "a NULL score")
                #expect(value > 0 && value.isFinite)
            }
        }
    }
}
