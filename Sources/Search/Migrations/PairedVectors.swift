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
        var after: Int64 = 0
        while true {
            let rows = try await db.raw("""
                SELECT rid, title, body FROM search_texts WHERE rid > \(bind: after) ORDER BY rid LIMIT \(literal: Self.batchSize)
                """).all()
            guard let last = rows.last else { return }
            let rids = try rows.map { try $0.decode(column: "rid", as: Int64.self) }
            let vectors = try rows.map { TSVector(title: try $0.string("title"), body: try $0.string("body")).literal }
            try await db.raw("""
                UPDATE search_entries e SET tsv = v.tsv::tsvector || \(PostgresSearchIndex.bucket(rows: PostgresSearchIndex.defaultBucketRows)) FROM unnest(\(bind: rids)::bigint[], \(bind: vectors)::text[]) AS v(rid, tsv)
                WHERE e.rid = v.rid
                """).run()
            guard rows.count == Self.batchSize else { return }
            after = try last.decode(column: "rid", as: Int64.self)
        }
    }
}
