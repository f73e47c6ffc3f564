import AcmeDatabase
import SQLKit
import Synchronization

/// The PostgreSQL engine: a weighted `tsvector` (title A, body B) built by ``TSVector`` from the words as the query
/// parser splits them, with ``CommonWordPairs`` tokens for phrases; a GIN index, a ``TSQuery`` literal and `ts_rank`
/// (no IDF; the weights give titles ×2.5 over bodies).
///
/// The vector is built from ``SearchQuery/normalizedWords(in:)`` rather than by `to_tsvector` from the raw text,
/// because PostgreSQL's own parser keeps e-mail addresses, host names and paths as single tokens that no query word
/// would match; the raw text stays in `search_texts` for display.
///
/// Every vector also holds its entry's bucket, `#<rid / bucketRows>`, and a search looks for the newest matches
/// bucket by bucket, newest first, until it has enough (the GIN index intersects the bucket's short list with the
/// query's). With one plan for the whole table, PostgreSQL either ranks every match of a common word before sorting
/// or scans entries newest first checking each one's vector, and a word common only in older entries made that
/// scan read most of the table (measured on 100k documents: 135–230 ms for the newest 1,000 matches of such words,
/// against 3–9 ms bucket by bucket). A search whose matches PostgreSQL's statistics of the lexemes bound to a few
/// (``LexemeStatistics``, ``fewMatches(_:)``) looks them all up at once instead.
///
/// Each row also holds its words alone (``TSVector/words``), stored in the row, which `ts_rank` ranks the candidates
/// by and phrases are checked against; the indexed vector, prefix and pair-hash lexemes included, is about three
/// times larger and lives in TOAST, where reading it for each of 1,000 candidates took most of a common word's
/// search (see ``WordVectors``).
public struct PostgresSearchIndex: SearchIndex {
    static let weights = "{0.1, 0.2, 0.4, 1.0}"
    /// Entries per bucket (by row id); part of the index format.
    public static let defaultBucketRows = 4_096

    /// SQL for the stored vector: the `vector` literal column cast to `tsvector`, with the bucket lexeme
    /// `#<row id / bucketRows>` of the row id column `rowID`.
    static func bucketed(_ vector: String, rowID: String, bucketRows: Int) -> SQLQueryString {
        "\(unsafeRaw: vector)::tsvector || array_to_tsvector(ARRAY['#' || (\(unsafeRaw: rowID) / \(literal: bucketRows))])"
    }

    /// Writes entries' vectors, by entry key: ``TSVector``'s literals of each text, the indexed one with the entry's
    /// bucket lexeme (for migrations that rebuild every vector; the writer stores the vectors with their row).
    static func storeVectors(keys: [String], texts: [(title: String, body: String)], bucketRows: Int, on db: any SQLDatabase) async throws {
        let vectors = texts.map { TSVector(title: $0.title, body: $0.body) }
        try await db.raw("""
            UPDATE search_entries e SET tsv = \(bucketed("v.tsv", rowID: "e.rid", bucketRows: bucketRows)), words = v.words::tsvector
            FROM unnest(\(bind: keys)::text[], \(bind: vectors.map(\.literal))::text[], \(bind: vectors.map(\.words))::text[])
                AS v(entry_key, tsv, words)
            WHERE e.entry_key = v.entry_key
            """).run()
    }

    let database: any Database
    let bucketRows: Int
    /// Words this process saw committed to `search_terms`.
    private let knownTerms = KnownTerms()
    private let lexemeStatistics = LexemeStatisticsCache()

    /// `bucketRows` other than the default is for tests that span buckets with a few entries.
    public init(database: any Database, bucketRows: Int = PostgresSearchIndex.defaultBucketRows) {
        self.database = database
        self.bucketRows = bucketRows
    }

    /// Writes the changes and adds their new words to `search_terms`, the typo-tolerant retry's word list (never
    /// pruned: a stale word only costs a retry that finds nothing). Most words of a document are known already, and
    /// looking each up again took about a third as long as writing the entry itself, so only words not committed
    /// before (as far as this process knows) are sent; they count as known once the transaction has committed.
    public func apply(_ changes: [IndexChange]) async throws {
        let sent = Mutex<[String]>([])
        let writer = IndexWriter(bucketRows: bucketRows) { [knownTerms] texts, db in
            let terms = knownTerms.unknown(among: texts.flatMap(\.terms))
            guard !terms.isEmpty else { return }
            try await db.raw("INSERT INTO search_terms (term) SELECT unnest(\(bind: terms)::text[]) ON CONFLICT DO NOTHING").run()
            sent.withLock { $0 += terms }
        }
        try await database.transaction { db in
            try await writer.apply(changes, on: db)
        }
        knownTerms.insert(sent.withLock { $0 })
    }

    public func reset() async throws {
        try await database.transaction { db in
            try await IndexWriter.reset(on: db)
            try await db.delete(from: "search_terms").run()
        }
        knownTerms.removeAll()
    }

    public func search(_ query: IndexQuery) async throws -> IndexResult {
        let compiled = TSQuery(query.request.query)
        let tsquery: SQLQueryString = "\(bind: compiled.expression)::tsquery"
        let check: SQLQueryString = compiled.check.map { "e.words @@ \(bind: $0)::tsquery AND " } ?? ""
        let score: SQLQueryString = "ts_rank('\(unsafeRaw: Self.weights)', e.words, \(bind: compiled.rankExpression)::tsquery)::float8"
        return try await database.read { db in
            let statistics = await lexemeStatistics.statistics(on: db)
            let candidates: IndexSearch.Candidates
            if let statistics, Self.fewMatches(statistics.estimate(compiled.lookups)) {
                // All matches at once, sorted; `OFFSET 0` keeps PostgreSQL from walking the row ids backwards instead.
                // The query in a sub-select is a value the planner does not look up in the statistics: it would
                // unpack all 10,000 lexemes for every search (+0.5–1 ms of planning) to choose the same plan.
                candidates = .newest { filter, limit in
                    "SELECT x.rid, x.tid FROM (SELECT e.rid, e.ctid AS tid FROM search_entries e WHERE e.tsv @@ (SELECT " + tsquery
                        + ") AND " + check + filter + " OFFSET 0) x ORDER BY x.rid DESC LIMIT \(literal: limit)"
                }
            } else {
                candidates = .newest { filter, limit in
                    // `OFFSET 0` keeps each bucket's subquery a subquery, run per bucket as the outer LIMIT asks for more.
                    "SELECT x.rid, x.tid FROM generate_series(((SELECT max(rid) FROM search_entries) / \(literal: bucketRows))::integer, 0, -1) AS b(n) "
                        + "CROSS JOIN LATERAL (SELECT e.rid, e.ctid AS tid FROM search_entries e WHERE e.tsv @@ (" + tsquery
                        + " && ('''#' || b.n || '''')::tsquery) AND " + check + filter + " ORDER BY e.rid DESC OFFSET 0) x LIMIT \(literal: limit)"
                }
            }
            return try await IndexSearch(candidates: candidates, score: score).run(query, on: db)
        }
    }

    /// Whether a search is expected to match so few entries that one GIN scan of the whole table and a sort find its
    /// newest matches sooner than the buckets would: each bucket's scan costs 0.2–0.4 ms however few it finds, so a
    /// query whose matches are spread thin scanned all 25 buckets of 100k documents (`can partition`, 212 matches:
    /// 10.6 ms bucket by bucket, 1.6 ms at once), while reading the rows of a few thousand matches costs more than
    /// the buckets that hold the newest thousand (`characters`, 4.9% of the entries: 16 ms at once, 5.5 ms by bucket).
    /// The independent estimate admits a query of two moderately common words, if even their bound stays moderate.
    static func fewMatches(_ estimate: (atMost: Double, independent: Double)) -> Bool {
        estimate.atMost <= 1_500 || (estimate.independent <= 300 && estimate.atMost <= 3_000)
    }

    public func neighbors(of word: String, limit: Int) async throws -> [String] {
        guard let range = IndexSearch.firstLetterRange(of: word) else { return [] }
        let length = word.count
        let rows = try await database.read { db in
            try await db.raw("""
                SELECT term FROM search_terms WHERE term >= \(bind: range.low) AND term < \(bind: range.high)
                AND length(term) BETWEEN \(bind: length - 1) AND \(bind: length + 1)
                """).all()
        }
        let candidates = try rows.map { (term: try $0.string("term"), frequency: 0) }
        return IndexSearch.neighbors(of: word, in: candidates, limit: limit)
    }
}
