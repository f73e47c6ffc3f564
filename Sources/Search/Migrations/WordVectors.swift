import AcmeDatabase
import SQLKit

/// PostgreSQL: every entry also stores its words alone (``TSVector/words``), in the row, for ranking and phrase
/// checks; the indexed vector goes to TOAST whatever its size. On 100k documents the indexed vectors average 3.8 kB,
/// and ranking 1,000 candidates read about 8 pages each from TOAST, as did the phrase recheck; the words alone
/// average 1.3 kB (`scripts/bench search`, worst p99 at concurrency 1: 34.6–42.4 → 25.0–29.4 ms; the index grew
/// from 723 to 872 MiB).
///
/// The short text columns are kept in the row (`MAIN`): PostgreSQL moves any `EXTENDED` value of more than a TOAST
/// pointer's size out of a row that is still too large once its big values are out, which left the ids that every
/// search filters on in TOAST (three more page reads per candidate).
struct WordVectors: Migration {
    let name = "WordVectors"

    func prepare(on db: any SQLDatabase) async throws {
        guard db.isPostgres else { return }
        try await db.raw("""
            ALTER TABLE search_entries ADD COLUMN words tsvector NOT NULL DEFAULT ''::tsvector,
                ALTER COLUMN words SET STORAGE MAIN, ALTER COLUMN tsv SET STORAGE EXTERNAL,
                ALTER COLUMN entry_key SET STORAGE MAIN, ALTER COLUMN kind SET STORAGE MAIN, ALTER COLUMN id SET STORAGE MAIN,
                ALTER COLUMN org_id SET STORAGE MAIN, ALTER COLUMN project_id SET STORAGE MAIN,
                ALTER COLUMN author SET STORAGE MAIN, ALTER COLUMN tags SET STORAGE MAIN
            """).run()
        try await PairedVectors.rebuildVectors(on: db)
    }
}
