import AcmeDatabase
import SQLKit

/// PostgreSQL: every entry's indexed vector is built again with its bucket in each lexeme and without positions (see
/// ``PostgresSearchIndex`` and ``TSVector/indexed``), in place of the bucket lexeme a search intersected with the
/// query's, and with buckets of 1,024 entries instead of 4,096 (a bucket's lookup now costs 15–20 µs when it finds
/// little, so smaller buckets only cost sparse queries more lookups, while the most common words read fewer rows
/// beyond the thousand they need). Finding the newest 1,000 matches bucket by bucket on 100k documents (warm kept
/// indexes): "alpha", common only in older entries, 7.8 → 1.9 ms; "qualified" 8.3 → 1.2; "qual*" 5.0 → 1.4 (a 4-letter
/// prefix lexeme); "trying iam", two words that meet a few times in every bucket, 12.9 → 1.8; "the versions"
/// 9.6 → 2.5; "not", in 42% of the entries, 3.0–4.1 → 1.8. The GIN index grew from 142 to 405 MB (a lexeme found in
/// every bucket is a key per bucket).
///
/// Statistics of lexemes that each hold a bucket say little about how common a word is, so ANALYZE keeps the
/// default number of them again (``LexemeStatisticsTarget`` had raised it for estimates no search makes now).
struct BucketedLexemes: Migration {
    let name = "BucketedLexemes"

    func prepare(on db: any SQLDatabase) async throws {
        guard db.isPostgres else { return }
        try await db.raw("ALTER TABLE search_entries ALTER COLUMN tsv SET STATISTICS -1").run()
        try await PairedVectors.rebuildVectors(on: db)
    }
}
