import AcmeDatabase
import SQLKit

/// The PostgreSQL engine: a weighted `tsvector` (title A, body B) over the words as the query parser splits
/// them, a GIN index, `to_tsquery('simple', …)` and `ts_rank` (no IDF; the weights give titles ×2.5 over bodies).
///
/// The vector is built from ``SearchQuery/normalizedWords(in:)`` rather than from the raw text, because
/// PostgreSQL's own parser keeps e-mail addresses, host names and paths as single tokens that no query word
/// would match; the raw text stays in `title` and `body` for display.
public struct PostgresSearchIndex: SearchIndex {
    static let weights = "{0.1, 0.2, 0.4, 1.0}"

    let database: any Database
    private let writer = IndexWriter { key, title, body, db in
        try await db.raw("""
            UPDATE search_entries SET tsv = setweight(to_tsvector('simple', \(bind: Self.words(title))), 'A')
                || setweight(to_tsvector('simple', \(bind: Self.words(body))), 'B')
            WHERE entry_key = \(bind: key)
            """).run()
        // Every indexed word, for the typo-tolerant retry (never pruned: a stale word only costs a retry that finds nothing).
        try await db.raw("""
            INSERT INTO search_terms (term) SELECT DISTINCT w FROM search_entries, unnest(tsvector_to_array(tsv)) AS w
            WHERE entry_key = \(bind: key) AND length(w) BETWEEN 3 AND 32 ON CONFLICT DO NOTHING
            """).run()
    }

    public init(database: any Database) {
        self.database = database
    }

    static func words(_ text: String) -> String {
        SearchQuery.normalizedWords(in: text).joined(separator: " ")
    }

    public func apply(_ changes: [IndexChange]) async throws {
        try await database.transaction { db in
            for change in changes { try await writer.apply(change, on: db) }
        }
    }

    public func reset() async throws {
        try await database.transaction { db in
            try await writer.reset(on: db)
            try await db.delete(from: "search_terms").run()
        }
    }

    public func search(_ query: IndexQuery) async throws -> IndexResult {
        let request = query.request
        let tsquery: SQLQueryString = "to_tsquery('simple', \(bind: TSQuery(request.query).expression))"
        var hits: SQLQueryString = "FROM search_entries e WHERE e.tsv @@ \(tsquery) AND "
        hits += IndexFilter.conditions(query)
        return try await database.read { db in
            // As on SQLite, at most `candidateLimit` newest matches are ranked and counted; for a common word the
            // planner reads them backwards along the primary key instead of ranking every match.
            var candidates = try IndexRows.Candidates(
                try await db.raw("SELECT e.rid, e.kind, e.project_id " + hits + " ORDER BY e.rid DESC LIMIT \(literal: query.candidateLimit + 1)").all(),
                limit: query.candidateLimit)
            if let threshold = candidates.threshold { hits += " AND e.rid >= \(bind: threshold)" }
            guard candidates.total > 0 else { return candidates.result([]) }
            try candidates.addTags(try await db.raw(
                "SELECT t.tag, count(*)::bigint AS n FROM search_tags t WHERE t.entry_key IN (SELECT e.entry_key " + hits
                    + ") GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT \(literal: SearchResults.facetSize)").all())
            guard candidates.total > request.offset else { return candidates.result([]) }
            let page = try await db.raw(
                "SELECT e.kind, e.id, e.title, e.body, e.project_id, e.updated_at, ts_rank('\(unsafeRaw: Self.weights)', e.tsv, \(tsquery))::float8 AS score "
                    + hits + " ORDER BY score DESC, e.rid LIMIT \(literal: request.limit) OFFSET \(literal: request.offset)").all()
            return candidates.result(try IndexRows.hits(page, snippet: Snippet(request.query)))
        }
    }

    public func neighbors(of word: String, limit: Int) async throws -> [String] {
        guard let range = IndexRows.firstLetterRange(of: word) else { return [] }
        let length = word.count
        let rows = try await database.read { db in
            try await db.raw("""
                SELECT term FROM search_terms WHERE term >= \(bind: range.low) AND term < \(bind: range.high)
                AND length(term) BETWEEN \(bind: length - 1) AND \(bind: length + 1)
                """).all()
        }
        let candidates = try rows.map { (term: try $0.string("term"), frequency: 0) }
        return IndexRows.neighbors(of: word, in: candidates, limit: limit)
    }
}
