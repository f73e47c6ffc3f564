import AcmeDatabase
import SQLKit

/// A search as both engines run it, from each engine's pieces of SQL (entries are aliased `e`), in one statement:
/// the newest visible matches in row-id order with their scores, at most ``IndexQuery/candidateLimit`` (plus one,
/// which says there are more), kept in the statement; from them the total, the type, project and tag facets, and
/// the page's rows with their text (for the snippets). Both engines score every match they are asked to rank, so
/// when there are more, ranking and facets are restricted to those newest rows (`exact: false`), and a word found
/// in most documents costs about as much as a rarer one.
///
/// Aggregating inside the statement returns a few dozen rows rather than a thousand candidates to decode; `k`, the
/// candidates without the one beyond the limit, drops the oldest rather than sorting them again. The tag
/// facet's `CROSS JOIN` makes SQLite look tags up by the candidates' keys (its planner otherwise scans every tag).
struct IndexSearch {
    /// How an engine finds the newest matches the filter lets through.
    enum Candidates {
        /// `FROM … WHERE <the engine's match> AND ` (the shared filter follows), newest first by `rowID`, scored in
        /// the same statement: FTS5's ranking needs the match itself.
        case matching(SQLQueryString, rowID: String)
        /// PostgreSQL: a statement selecting `columns` (scores included) of the newest `limit` entries that match and
        /// pass `filter`, newest first. The search reads them bucket by bucket (see ``PostgresSearchIndex``) and scores
        /// every match of the buckets it reads, a few hundred beyond the candidates at most; one bitmap scan of the
        /// whole table would rank every match before sorting. Their `tags` arrays make the tag facet, rather than a
        /// lookup in `search_tags` per candidate.
        case newest(@Sendable (_ columns: SQLQueryString, _ filter: SQLQueryString, _ limit: Int) -> SQLQueryString)
    }

    var candidates: Candidates
    /// Relevance, higher is better.
    var score: SQLQueryString

    func run(_ query: IndexQuery, on db: any SQLDatabase) async throws -> IndexResult {
        let request = query.request, limit = query.candidateLimit, facetSize = SearchResults.facetSize
        let filter = IndexFilter.conditions(query)
        var statement: SQLQueryString
        /// Rows `t` with a `tag` column, one per tag of a row of `k`.
        let tagRows: SQLQueryString
        switch candidates {
        case .matching(let matching, let rowID):
            statement = "WITH c AS MATERIALIZED (SELECT e.rid, e.entry_key, e.kind, e.project_id, " + score + " AS score "
                + matching + filter + " ORDER BY \(unsafeRaw: rowID) DESC LIMIT \(literal: limit + 1))"
            tagRows = "k CROSS JOIN search_tags t WHERE t.entry_key = k.entry_key"
        case .newest(let newest):
            statement = "WITH c AS MATERIALIZED (" + newest("e.rid, e.kind, e.project_id, e.tags, " + score + " AS score", filter, limit + 1) + ")"
            // unnest() in the select list rather than a lateral function scan, which stored each row's tags in a
            // tuplestore of its own (0.9–2.1 ms for a thousand candidates, against 0.5–0.8).
            tagRows = "(SELECT unnest(k.tags) AS tag FROM k) t"
        }
        // The page's rows come with their text (snippets and titles); the other rows leave those columns NULL. `counts`
        // counts the candidates once for the total and the cut; `g` groups the kept ones by kind and project, which
        // both facets sum (one pass over them instead of two).
        statement += """
            , counts AS MATERIALIZED (SELECT count(*) AS total, CASE WHEN count(*) > \(literal: limit) THEN min(rid) ELSE -1 END AS cut FROM c)
            , k AS MATERIALIZED (SELECT * FROM c WHERE rid > (SELECT cut FROM counts))
            , g AS MATERIALIZED (SELECT kind, project_id, count(*) AS n FROM k GROUP BY kind, project_id)
            SELECT 'total' AS facet, NULL AS name, total AS n, 0.0 AS score, NULL AS id, NULL AS title, NULL AS body,
                NULL AS project_id, NULL AS updated_at FROM counts
            UNION ALL SELECT 'page', e.kind, p.rid, p.score, e.id, t.title, t.body, e.project_id, e.updated_at FROM (
                SELECT rid, score FROM k ORDER BY score DESC, rid LIMIT \(literal: request.limit) OFFSET \(literal: request.offset)) p
                JOIN search_entries e ON e.rid = p.rid JOIN search_texts t ON t.rid = p.rid
            UNION ALL SELECT 'type', kind, CAST(sum(n) AS BIGINT), 0.0, NULL, NULL, NULL, NULL, NULL FROM g GROUP BY kind
            UNION ALL SELECT 'project', project_id, n, 0.0, NULL, NULL, NULL, NULL, NULL FROM (
                SELECT project_id, CAST(sum(n) AS BIGINT) AS n FROM g WHERE project_id IS NOT NULL GROUP BY project_id
                ORDER BY n DESC, project_id LIMIT \(literal: facetSize)) pf
            UNION ALL SELECT 'tag', tag, n, 0.0, NULL, NULL, NULL, NULL, NULL FROM (
                SELECT t.tag, count(*) AS n FROM \(tagRows) GROUP BY t.tag
                ORDER BY n DESC, t.tag LIMIT \(literal: facetSize)) tf
            """
        var found = 0
        var facets = SearchFacets()
        let snippet = Snippet(request.query)
        var page: [(rid: Int64, hit: SearchHit)] = []
        for row in try await db.raw(statement).all() {
            let n = try row.decode(column: "n", as: Int64.self)
            switch try row.string("facet") {
            case "total": found = Int(n)
            case "page":
                page.append((n, SearchHit(
                    type: try row.value("name", as: SearchKind.self), id: try row.string("id"), title: try row.string("title"),
                    snippet: snippet.render(try row.string("body")), score: try row.decode(column: "score", as: Double.self),
                    projectId: try row.optionalString("project_id"), updatedAt: try row.date("updated_at"))))
            case "type": facets.type[try row.string("name")] = Int(n)
            case "project": facets.project[try row.string("name")] = Int(n)
            default: facets.tag[try row.string("name")] = Int(n)
            }
        }
        // In rank order (SQL does not promise a UNION's row order).
        let hits = page.sorted { $0.hit.score != $1.hit.score ? $0.hit.score > $1.hit.score : $0.rid < $1.rid }.map(\.hit)
        return IndexResult(hits: hits, facets: facets, total: min(found, limit), exact: found <= limit)
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
