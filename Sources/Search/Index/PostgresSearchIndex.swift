import AcmeDatabase
import SQLKit
import Synchronization

/// The PostgreSQL engine: ``TSVector``'s vectors of the words as the query parser splits them, one of the lexemes a
/// GIN index looks entries up by (with ``CommonWordPairs`` tokens for phrases) and one of the words weighted (title A,
/// body B) for `ts_rank` (no IDF; the weights give titles ×2.5 over bodies); a ``TSQuery`` literal for each.
///
/// The vector is built from ``SearchQuery/normalizedWords(in:)`` rather than by `to_tsvector` from the raw text,
/// because PostgreSQL's own parser keeps e-mail addresses, host names and paths as single tokens that no query word
/// would match; the raw text stays in `search_texts` for display.
///
/// Entries are grouped in buckets of ``defaultBucketRows`` by row id, and every indexed lexeme carries its entry's
/// bucket (`12#end`, see ``TSVector/bucketMarker``): a search looks for the newest matches bucket by bucket, newest
/// first, until it has enough, each bucket's lookup reading only the posting lists of that bucket's lexemes. With one
/// plan for the whole table, PostgreSQL either ranks every match of a common word before sorting or scans entries
/// newest first checking each one's vector, and a word common only in older entries made that scan read most of the
/// table (measured on 100k documents: 135–230 ms for the newest 1,000 matches of such words). Until the lexemes
/// carried it, the bucket was a lexeme of its own (`#12`) that each bucket's lookup intersected with the query's;
/// GIN then walked the bucket's whole posting list (4,096 entries) for every bucket, 0.2–0.4 ms however few matched,
/// and a word matching a few entries in each bucket took 5–11 ms to find its newest thousand (see
/// ``BucketedLexemes``). A prefix looked up as `'12#mus':*` stays within its bucket too. A query that matches little
/// looks in every bucket, 15–20 µs each (98 buckets on 100k entries).
///
/// Each row also holds its words alone (``TSVector/words``), stored in the row, which `ts_rank` ranks the candidates
/// by and phrases are checked against; the indexed vector, with its prefix, pair and pair-hash lexemes each marked
/// with the bucket, is three times larger (4.0 against 1.3 kB on 100k documents) and lives in TOAST, where reading it
/// for each of 1,000 candidates took most of a common word's search (see ``WordVectors``).
public struct PostgresSearchIndex: SearchIndex {
    static let weights = "{0.1, 0.2, 0.4, 1.0}"
    /// Entries per bucket (by row id); part of the index format.
    public static let defaultBucketRows = 1_024

    /// SQL for the stored vector: the ``TSVector/indexed`` literal column `vector` with the bucket of the row id
    /// column `rowID` written into its lexemes, cast to `tsvector`.
    static func bucketed(_ vector: String, rowID: String, bucketRows: Int) -> SQLQueryString {
        inBucket("\(unsafeRaw: vector)", "\(unsafeRaw: rowID) / \(literal: bucketRows)") + "::tsvector"
    }

    /// SQL for `text` with the integer `bucket` written where ``TSVector/bucketMarker`` (`chr(1)`) stands: the
    /// lexemes of an entry's vector and of a bucket's lookup (`12#end`).
    static func inBucket(_ text: SQLQueryString, _ bucket: SQLQueryString) -> SQLQueryString {
        "replace(" + text + ", chr(1), (" + bucket + ")::text || '#')"
    }

    /// Writes entries' vectors, by entry key: ``TSVector``'s literals of each text, the indexed one with the entry's
    /// bucket (for migrations that rebuild every vector; the writer stores the vectors with their row).
    static func storeVectors(keys: [String], texts: [(title: String, body: String)], bucketRows: Int, on db: any SQLDatabase) async throws {
        let vectors = texts.map { TSVector(title: $0.title, body: $0.body) }
        try await db.raw("""
            UPDATE search_entries e SET tsv = \(bucketed("v.tsv", rowID: "e.rid", bucketRows: bucketRows)), words = v.words::tsvector
            FROM unnest(\(bind: keys)::text[], \(bind: vectors.map(\.indexed))::text[], \(bind: vectors.map(\.words))::text[])
                AS v(entry_key, tsv, words)
            WHERE e.entry_key = v.entry_key
            """).run()
    }

    let database: any Database
    let bucketRows: Int
    /// Words this process saw committed to `search_terms`.
    private let knownTerms = KnownTerms()

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
        let check: SQLQueryString = compiled.check.map { "e.words @@ \(bind: $0)::tsquery AND " } ?? ""
        let score: SQLQueryString = "ts_rank('\(unsafeRaw: Self.weights)', e.words, \(bind: compiled.rankExpression)::tsquery)::float8"
        let candidates = IndexSearch.Candidates.newest { [bucketRows] columns, filter, limit in
            // `OFFSET 0` keeps each bucket's subquery a subquery, run per bucket as the outer LIMIT asks for more.
            "SELECT x.* FROM generate_series(((SELECT max(rid) FROM search_entries) / \(literal: bucketRows))::integer, 0, -1) AS b(n) "
                + "CROSS JOIN LATERAL (SELECT " + columns + " FROM search_entries e WHERE e.tsv @@ " + Self.inBucket("\(bind: compiled.expression)", "b.n")
                + "::tsquery AND "
                + check + filter + " ORDER BY e.rid DESC OFFSET 0) x LIMIT \(literal: limit)"
        }
        return try await database.read { db in
            try await IndexSearch(candidates: candidates, score: score).run(query, on: db)
        }
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
