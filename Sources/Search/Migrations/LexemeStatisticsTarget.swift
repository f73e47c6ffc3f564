import AcmeDatabase
import SQLKit

/// PostgreSQL: ANALYZE keeps the 10,000 most common lexemes of the indexed vectors instead of 1,000. Prefix, pair and
/// bucket lexemes fill most of the default list, whose least common lexeme was in 5.3% of 100k documents; with
/// 10,000 it is 0.3%, which let the search bound how many entries a query could match (ANALYZE of the 100k entries
/// took 6 s, in autovacuum's background). ``BucketedLexemes`` sets the default again.
struct LexemeStatisticsTarget: Migration {
    let name = "LexemeStatisticsTarget"

    func prepare(on db: any SQLDatabase) async throws {
        guard db.isPostgres else { return }
        try await db.raw("ALTER TABLE search_entries ALTER COLUMN tsv SET STATISTICS 1000").run()
    }
}
