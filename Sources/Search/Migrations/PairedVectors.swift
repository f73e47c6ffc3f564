import AcmeDatabase
import SQLKit

/// PostgreSQL: every entry's `tsvector` is built again by ``TSVector`` (folded words and ``CommonWordPairs`` tokens)
/// from `search_texts`, with its bucket (see ``PostgresSearchIndex``), for the ``TSQuery`` literals that look phrases
/// up by their pair tokens and the search that goes bucket by bucket.
struct PairedVectors: Migration {
    let name = "PairedVectors"
    static let batchSize = 500

    func prepare(on db: any SQLDatabase) async throws {
        guard db.isPostgres else { return }
        // GIN keeps new entries in a pending list that every scan reads whole, and a search scans the index once per
        // bucket: at the default 4 MB limit, a list left by the last writes doubled a common word's search (measured:
        // p50 14 → 27 ms with 248 pending pages). Writers merge it into the index once it passes 128 kB.
        try await db.raw("ALTER INDEX search_entries_tsv_idx SET (gin_pending_list_limit = 128)").run()
        try await Self.rebuildVectors(on: db)
    }

    /// Builds every entry's vector again from its text, in batches by row id.
    static func rebuildVectors(on db: any SQLDatabase) async throws {
        var after: Int64 = 0
        while true {
            let rows = try await db.raw("""
                SELECT t.rid, e.entry_key, t.title, t.body FROM search_texts t JOIN search_entries e ON e.rid = t.rid
                WHERE t.rid > \(bind: after) ORDER BY t.rid LIMIT \(literal: Self.batchSize)
                """).all()
            guard let last = rows.last else { return }
            try await PostgresSearchIndex.storeVectors(
                keys: try rows.map { try $0.string("entry_key") }, texts: try rows.map { (try $0.string("title"), try $0.string("body")) },
                bucketRows: PostgresSearchIndex.defaultBucketRows, on: db)
            guard rows.count == Self.batchSize else { return }
            after = try last.decode(column: "rid", as: Int64.self)
        }
    }
}
