import AcmeDatabase
import SQLKit

/// SQLite: the FTS5 table becomes contentless (`contentless_delete=1`) and the index writer maintains it with
/// its own statements instead of insert and update triggers.
///
/// FTS5 writes its pending terms to disk at every statement savepoint, and a statement that fires a trigger
/// opens one: with triggers every indexed entry became a segment of its own, to be merged later. The text is
/// kept in `search_entries` only (snippets are made from there), so the FTS5 table needs no content of its own.
/// A delete trigger stays, because deletions are rare and the trigger makes every one of them complete.
struct ContentlessSearchText: Migration {
    let name = "ContentlessSearchText"

    func prepare(on db: any SQLDatabase) async throws {
        guard !db.isPostgres else { return }
        for trigger in ["search_entries_ai", "search_entries_ad", "search_entries_au"] {
            try await db.raw("DROP TRIGGER \(unsafeRaw: trigger)").run()
        }
        try await db.raw("DROP TABLE search_vocab").run()
        try await db.raw("DROP TABLE search_fts").run()
        try await db.raw("""
            CREATE VIRTUAL TABLE search_fts USING fts5(
                title, body, content='', contentless_delete=1,
                tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')
            """).run()
        try await db.raw("CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row')").run()
        try await db.raw("""
            CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
                DELETE FROM search_fts WHERE rowid = old.rid;
            END
            """).run()
        try await db.raw("INSERT INTO search_fts (rowid, title, body) SELECT rid, title, body FROM search_entries").run()
    }
}
