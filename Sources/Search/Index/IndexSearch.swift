import AcmeDatabase
import SQLKit

/// A search as both engines run it, from each engine's pieces of SQL (entries are aliased `e`):
///
/// 1. the newest visible matches in row-id order, at most ``IndexQuery/candidateLimit`` plus one: they give the
///    total and the type and project facets. Both engines score every match they are asked to rank, so when there
///    are more, ranking and the tag facet are restricted to those newest rows (`exact: false`), and a word found in
///    most documents costs about as much as a rarer one;
/// 2. the tag facet over the same rows;
/// 3. the page, by score.
struct IndexSearch {
    /// `FROM … WHERE <the engine's match> AND `, followed by the shared filter.
    var matching: SQLQueryString
    /// The row id of a match in the text index; newer entries have larger ones.
    var rowID: String
    /// Relevance, higher is better.
    var score: SQLQueryString

    func run(_ query: IndexQuery, on db: any SQLDatabase) async throws -> IndexResult {
        let request = query.request
        var hits = matching + IndexFilter.conditions(query)
        var candidates = try Candidates(
            try await db.raw(
                "SELECT e.rid, e.kind, e.project_id " + hits + " ORDER BY \(unsafeRaw: rowID) DESC LIMIT \(literal: query.candidateLimit + 1)"
            ).all(),
            limit: query.candidateLimit)
        if let threshold = candidates.threshold { hits += " AND \(unsafeRaw: rowID) >= \(bind: threshold)" }
        guard candidates.total > 0 else { return candidates.result([]) }
        try candidates.addTags(try await db.raw(
            "SELECT t.tag, count(*) AS n FROM search_tags t WHERE t.entry_key IN (SELECT e.entry_key " + hits
                + ") GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT \(literal: SearchResults.facetSize)").all())
        guard candidates.total > request.offset else { return candidates.result([]) }
        let page = try await db.raw(
            "SELECT e.kind, e.id, e.title, e.body, e.project_id, e.updated_at, " + score + " AS score " + hits
                + " ORDER BY score DESC, e.rid LIMIT \(literal: request.limit) OFFSET \(literal: request.offset)").all()
        let snippet = Snippet(request.query)
        return candidates.result(try page.map { row in
            SearchHit(
                type: try row.value("kind", as: SearchKind.self), id: try row.string("id"), title: try row.string("title"),
                snippet: snippet.render(try row.string("body")), score: try row.decode(column: "score", as: Double.self),
                projectId: try row.optionalString("project_id"), updatedAt: try row.date("updated_at"))
        })
    }

    /// The newest matching entries the viewer may see, newest first, at most one more than the limit (which then
    /// says the query was too common to rank and count completely).
    struct Candidates {
        var facets = SearchFacets()
        var total = 0
        /// The row id of the oldest candidate when there were more than `limit`: ranking and the tag facet
        /// consider the rows from it on.
        var threshold: Int64?

        init(_ rows: [any SQLRow], limit: Int) throws {
            var projects: [String: Int] = [:]
            for row in rows.prefix(limit) {
                facets.type[try row.string("kind"), default: 0] += 1
                if let project = try row.optionalString("project_id") { projects[project, default: 0] += 1 }
            }
            total = min(rows.count, limit)
            if rows.count > limit { threshold = try rows[limit - 1].decode(column: "rid", as: Int64.self) }
            let top = projects.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(SearchResults.facetSize)
            facets.project = Dictionary(uniqueKeysWithValues: top.map { ($0.key, $0.value) })
        }

        mutating func addTags(_ rows: [any SQLRow]) throws {
            for row in rows { facets.tag[try row.string("tag")] = try row.decode(column: "n", as: Int.self) }
        }

        func result(_ hits: [SearchHit]) -> IndexResult {
            IndexResult(hits: hits, facets: facets, total: total, exact: threshold == nil)
        }
    }

    /// Words sharing `word`'s first letter within edit distance 1, from `(term, frequency)` candidates.
    static func neighbors(of word: String, in candidates: [(term: String, frequency: Int)], limit: Int) -> [String] {
        candidates
            .filter { $0.term != word && Fuzzy.editDistance($0.term, word, maxDistance: 1) <= 1 }
            .sorted { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : $0.term < $1.term }
            .prefix(limit).map(\.term)
    }

    /// The `[low, high)` range of terms starting with `word`'s first character.
    static func firstLetterRange(of word: String) -> (low: String, high: String)? {
        guard let first = word.unicodeScalars.first else { return nil }
        let next = Unicode.Scalar(first.value + 1) ?? Unicode.Scalar(0xE000)!
        return (String(first), String(next))
    }
}
