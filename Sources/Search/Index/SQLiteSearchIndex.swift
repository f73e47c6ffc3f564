import AcmeDatabase
import SQLKit

/// The embedded engine: SQLite FTS5 with BM25 ranking (title weighted ×4 over the body), through `rank_bm25`
/// (see AcmeDatabase's `FTS5Rank`) with phrase document counts from ``PhraseFrequencies``.
public struct SQLiteSearchIndex: SearchIndex {
    let database: any Database
    /// The FTS5 table is contentless: its row for an entry is replaced by hand (see ``ContentlessSearchText``).
    private let writer = IndexWriter { texts, db in
        for text in texts {
            if text.replaced { try await deleteText.run(db, [text.rid]) }
            try await SQLiteSearchIndex.index(rid: text.rid, title: text.title, body: text.body, on: db)
        }
    }

    /// Writes an entry's row of the text index: its words as the query parser splits them, and their
    /// ``CommonWordPairs`` tokens. Tombstones have no text, and nothing to find.
    static func index(rid: Int64, title: String, body: String, on db: any SQLDatabase) async throws {
        guard !title.isEmpty || !body.isEmpty else { return }
        let (titleWords, bodyWords) = (SearchQuery.normalizedWords(in: title), SearchQuery.normalizedWords(in: body))
        let (titlePairs, bodyPairs) = (CommonWordPairs.tokens(in: titleWords), CommonWordPairs.tokens(in: bodyWords))
        try await insertText.run(db, [
            rid, titleWords.joined(separator: " "), bodyWords.joined(separator: " "),
            titlePairs.joined(separator: " "), bodyPairs.joined(separator: " "),
        ])
        // The row's length for ranking, where the search reads it anyway (see `rank_bm25`).
        let tokens = titleWords.count + bodyWords.count + titlePairs.count + bodyPairs.count
        try await storeTokens.run(db, [tokens, rid])
    }

    private static let insertText = SQLTemplate { _ in
        SQLQueryString("""
            INSERT INTO search_fts (rowid, title, body, title_pairs, body_pairs) VALUES (\(placeholder), \(placeholder),
                \(placeholder), \(placeholder), \(placeholder))
            """)
    }

    private static let deleteText = SQLTemplate { _ in SQLQueryString("DELETE FROM search_fts WHERE rowid = \(placeholder)") }
    private static let storeTokens = SQLTemplate { _ in SQLQueryString("UPDATE search_entries SET tokens = \(placeholder) WHERE rid = \(placeholder)") }
    private static let placeholder = SQLTemplate.placeholder

    private let frequencies = PhraseFrequencies()

    public init(database: any Database) {
        self.database = database
    }

    public func apply(_ changes: [IndexChange]) async throws {
        try await database.transaction { db in
            try await writer.apply(changes, on: db)
        }
    }

    public func reset() async throws {
        try await database.transaction { db in try await IndexWriter.reset(on: db) }
    }

    public func search(_ query: IndexQuery) async throws -> IndexResult {
        let match = FTS5Query(query.request.query)
        return try await database.read { db in
            let documents = try await frequencies.documents(for: match.phrases) { phrase in
                try await db.raw("SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH \(bind: phrase)").first()?
                    .decode(column: "n", as: Int64.self) ?? 0
            }
            // Titles (and their word pairs) weigh 4 times the body.
            let search = IndexSearch(
                candidates: .matching(
                    "FROM search_fts JOIN search_entries e ON e.rid = search_fts.rowid WHERE search_fts MATCH \(bind: match.expression) AND ",
                    rowID: "search_fts.rowid"),
                score: "rank_bm25(search_fts, e.tokens, 4.0, 1.0, 4.0, 1.0, \(binds: documents))")
            return try await search.run(query, on: db)
        }
    }

    public func neighbors(of word: String, limit: Int) async throws -> [String] {
        guard let range = IndexSearch.firstLetterRange(of: word) else { return [] }
        let length = word.count
        let rows = try await database.read { db in
            try await db.raw("""
                SELECT term, doc FROM search_vocab WHERE term >= \(bind: range.low) AND term < \(bind: range.high)
                AND length(term) BETWEEN \(bind: length - 1) AND \(bind: length + 1)
                """).all()
        }
        let candidates = try rows.map { (term: try $0.string("term"), frequency: try $0.decode(column: "doc", as: Int.self)) }
        return IndexSearch.neighbors(of: word, in: candidates, limit: limit)
    }
}
