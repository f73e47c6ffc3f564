import AcmeDatabase
import SQLKit

/// The embedded engine: SQLite FTS5 with BM25 ranking (title weighted ×4 over the body).
public struct SQLiteSearchIndex: SearchIndex {
    let database: any Database
    private let writer = IndexWriter(didWriteText: nil)

    public init(database: any Database) {
        self.database = database
    }

    public func apply(_ changes: [IndexChange]) async throws {
        try await database.transaction { db in
            for change in changes { try await writer.apply(change, on: db) }
        }
    }

    public func reset() async throws {
        try await database.transaction { db in try await writer.reset(on: db) }
    }

    public func search(_ query: IndexQuery) async throws -> IndexResult {
        let request = query.request
        var hits: SQLQueryString = "FROM search_fts JOIN search_entries e ON e.rid = search_fts.rowid WHERE search_fts MATCH \(bind: FTS5Query(request.query).expression) AND "
        hits += IndexFilter.conditions(query)
        return try await database.read { db in
            // The newest visible matches, up to the limit: FTS5 scores every row it is asked to rank, so a word
            // in most documents is ranked and counted among its newest `candidateLimit` matches only.
            var candidates = try IndexRows.Candidates(
                try await db.raw("SELECT e.rid, e.kind, e.project_id " + hits + " ORDER BY search_fts.rowid DESC LIMIT \(literal: query.candidateLimit + 1)").all(),
                limit: query.candidateLimit)
            if let threshold = candidates.threshold { hits += " AND search_fts.rowid >= \(bind: threshold)" }
            guard candidates.total > 0 else { return candidates.result([]) }
            try candidates.addTags(try await db.raw(
                "SELECT t.tag, count(*) AS n FROM search_tags t WHERE t.entry_key IN (SELECT e.entry_key " + hits
                    + ") GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT \(literal: SearchResults.facetSize)").all())
            guard candidates.total > request.offset else { return candidates.result([]) }
            // bm25() is lower for better matches; the API's score is higher for better ones.
            let page = try await db.raw(
                "SELECT e.kind, e.id, e.title, e.body, e.project_id, e.updated_at, -bm25(search_fts, 4.0, 1.0) AS score " + hits
                    + " ORDER BY bm25(search_fts, 4.0, 1.0), e.rid LIMIT \(literal: request.limit) OFFSET \(literal: request.offset)").all()
            return candidates.result(try IndexRows.hits(page, snippet: Snippet(request.query)))
        }
    }

    public func neighbors(of word: String, limit: Int) async throws -> [String] {
        guard let range = IndexRows.firstLetterRange(of: word) else { return [] }
        let length = word.count
        let rows = try await database.read { db in
            try await db.raw("""
                SELECT term, doc FROM search_vocab WHERE term >= \(bind: range.low) AND term < \(bind: range.high)
                AND length(term) BETWEEN \(bind: length - 1) AND \(bind: length + 1)
                """).all()
        }
        let candidates = try rows.map { (term: try $0.string("term"), frequency: try $0.decode(column: "doc", as: Int.self)) }
        return IndexRows.neighbors(of: word, in: candidates, limit: limit)
    }
}
