import AcmeDatabase
import SQLKit

/// SQLite: the FTS5 table is rebuilt with two more columns, the ``CommonWordPairs`` tokens of titles and bodies
/// (`_` becomes a token character for them), and indexes the words as the query parser splits them rather than the
/// raw text, so that a `_` in a text (`snake_case`) still separates words. Filled again from `search_texts`.
/// `search_entries.tokens` keeps each entry's length in tokens, for ranking.
struct CommonWordPairIndex: Migration {
    let name = "CommonWordPairIndex"
    static let batchSize = 1_000

    func prepare(on db: any SQLDatabase) async throws {
        guard !db.isPostgres else { return }
        try await db.raw("ALTER TABLE search_entries ADD COLUMN tokens INTEGER NOT NULL DEFAULT 0").run()
        try await db.raw("DROP TRIGGER search_entries_ad").run()
        try await db.raw("DROP TABLE search_vocab").run()
        try await db.raw("DROP TABLE search_fts").run()
        try await db.raw("""
            CREATE VIRTUAL TABLE search_fts USING fts5(
                title, body, title_pairs, body_pairs, content='', contentless_delete=1,
                tokenize="unicode61 remove_diacritics 2 tokenchars '_'", prefix='2 3 4')
            """).run()
        try await db.raw("CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row')").run()
        try await db.raw("""
            CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
                DELETE FROM search_fts WHERE rowid = old.rid;
            END
            """).run()
        var after: Int64 = 0
        while true {
            let rows = try await db.raw("""
                SELECT rid, title, body FROM search_texts WHERE rid > \(bind: after) ORDER BY rid LIMIT \(literal: Self.batchSize)
                """).all()
            for row in rows {
                try await SQLiteSearchIndex.index(
                    rid: try row.decode(column: "rid", as: Int64.self), title: try row.string("title"), body: try row.string("body"), on: db)
            }
            guard rows.count == Self.batchSize, let last = rows.last else { return }
            after = try last.decode(column: "rid", as: Int64.self)
        }
    }
}
