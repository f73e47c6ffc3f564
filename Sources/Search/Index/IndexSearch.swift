import AcmeDatabase
import SQLKit

/// A search as both engines run it, from each engine's pieces of SQL (entries are aliased `e`). The engine
/// matches once:
///
/// 1. the newest visible matches in row-id order with their scores, at most ``IndexQuery/candidateLimit`` plus
///    one. They give the total, the type and project facets, and the ranking. Both engines score every match
///    they are asked to rank, so when there are more, ranking and facets are restricted to those newest rows
///    (`exact: false`), and a word found in most documents costs about as much as a rarer one;
/// 2. the tag facet over the same rows, by their keys;
/// 3. the page's rows (text for the snippets), by row id.
struct IndexSearch {
    /// `FROM … WHERE <the engine's match> AND `, followed by the shared filter.
    var matching: SQLQueryString
    /// The row id of a match in the text index; newer entries have larger ones.
    var rowID: String
    /// Relevance, higher is better.
    var score: SQLQueryString
    /// Scores only the rows the candidate limit keeps, in an outer query (PostgreSQL: otherwise a bitmap scan
    /// ranks every match before sorting them). FTS5's ranking needs the match itself, so it scores inline.
    var scoresAfterLimit = false

    func run(_ query: IndexQuery, on db: any SQLDatabase) async throws -> IndexResult {
        let request = query.request
        let newest: SQLQueryString = matching + IndexFilter.conditions(query)
            + " ORDER BY \(unsafeRaw: rowID) DESC LIMIT \(literal: query.candidateLimit + 1)"
        let statement: SQLQueryString = scoresAfterLimit
            ? "WITH c AS MATERIALIZED (SELECT e.rid " + newest + ") SELECT e.rid, e.entry_key, e.kind, e.project_id, " + score
                + " AS score FROM c JOIN search_entries e ON e.rid = c.rid ORDER BY e.rid DESC"
            : "SELECT e.rid, e.entry_key, e.kind, e.project_id, " + score + " AS score " + newest
        let candidates = try Candidates(try await db.raw(statement).all(), limit: query.candidateLimit)
        guard candidates.total > 0 else { return candidates.result([], tags: [:]) }
        var tags: [String: Int] = [:]
        for row in try await db.select().column("tag").column(SQLFunction("count", args: SQLLiteral.all), as: "n").from("search_tags")
            .where("entry_key", .in, candidates.rows.map(\.key)).groupBy("tag")
            .orderBy("n", .descending).orderBy("tag").limit(SearchResults.facetSize).all() {
            tags[try row.string("tag")] = try row.decode(column: "n", as: Int.self)
        }
        let page = candidates.page(offset: request.offset, limit: request.limit)
        guard !page.isEmpty else { return candidates.result([], tags: tags) }
        var texts: [Int64: any SQLRow] = [:]
        for row in try await db.select().columns("rid", "kind", "id", "title", "body", "project_id", "updated_at").from("search_entries")
            .where("rid", .in, page.map(\.rid)).all() {
            texts[try row.decode(column: "rid", as: Int64.self)] = row
        }
        let snippet = Snippet(request.query)
        return candidates.result(try page.compactMap { candidate in
            guard let row = texts[candidate.rid] else { return nil }
            return SearchHit(
                type: try row.value("kind", as: SearchKind.self), id: try row.string("id"), title: try row.string("title"),
                snippet: snippet.render(try row.string("body")), score: candidate.score,
                projectId: try row.optionalString("project_id"), updatedAt: try row.date("updated_at"))
        }, tags: tags)
    }

    /// The newest matching entries the viewer may see, at most `limit` of them (one more row from the database
    /// says the query was too common to rank and count completely).
    struct Candidates {
        struct Row {
            var rid: Int64
            var key: String
            var score: Double
        }

        var rows: [Row] = []
        var facets = SearchFacets()
        var exact: Bool
        var total: Int { rows.count }

        init(_ found: [any SQLRow], limit: Int) throws {
            exact = found.count <= limit
            var projects: [String: Int] = [:]
            for row in found.prefix(limit) {
                rows.append(Row(
                    rid: try row.decode(column: "rid", as: Int64.self), key: try row.string("entry_key"),
                    score: try row.decode(column: "score", as: Double.self)))
                facets.type[try row.string("kind"), default: 0] += 1
                if let project = try row.optionalString("project_id") { projects[project, default: 0] += 1 }
            }
            let top = projects.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(SearchResults.facetSize)
            facets.project = Dictionary(uniqueKeysWithValues: top.map { ($0.key, $0.value) })
        }

        /// Best first; equal scores in row-id order, so pages are stable.
        func page(offset: Int, limit: Int) -> ArraySlice<Row> {
            guard offset < rows.count else { return [] }
            let ranked = rows.sorted { $0.score != $1.score ? $0.score > $1.score : $0.rid < $1.rid }
            return ranked[offset..<min(offset + limit, ranked.count)]
        }

        func result(_ hits: [SearchHit], tags: [String: Int]) -> IndexResult {
            var facets = facets
            facets.tag = tags
            return IndexResult(hits: hits, facets: facets, total: total, exact: exact)
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
