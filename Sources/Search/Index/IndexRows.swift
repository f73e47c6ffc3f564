import AcmeDatabase
import SQLKit

/// Turns the rows of both engines' search statements into hits and facets. Page rows have the columns
/// `kind, id, title, body, project_id, updated_at, score`; group rows `kind, project_id, n`; tag rows `tag, n`.
enum IndexRows {
    static func hits(_ rows: [any SQLRow], snippet: Snippet) throws -> [SearchHit] {
        try rows.map { row in
            SearchHit(
                type: try row.value("kind", as: SearchKind.self), id: try row.string("id"), title: try row.string("title"),
                snippet: snippet.render(try row.string("body")), score: try row.decode(column: "score", as: Double.self),
                projectId: try row.optionalString("project_id"), updatedAt: try row.date("updated_at"))
        }
    }

    /// The candidates of a search: its newest matching entries the viewer may see, newest first, at most one
    /// more than the limit (which then says the query was too common to rank and count completely).
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
