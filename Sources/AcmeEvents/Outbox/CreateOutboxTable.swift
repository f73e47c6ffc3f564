import AcmeDatabase
import SQLKit

struct CreateOutboxTable: Migration {
    let name = "CreateOutboxTable"

    func prepare(on db: any SQLDatabase) async throws {
        // SQLite's rowid alias must be exactly INTEGER; PostgreSQL gets a 64-bit identity.
        try await db.create(table: "outbox")
            .column("id", type: db.isPostgres ? .bigint : .int, .primaryKey(autoIncrement: true))
            .column("topic", type: .text, .notNull)
            .column("event_key", type: .text, .notNull)
            .column("value", type: .blob, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
    }
}
