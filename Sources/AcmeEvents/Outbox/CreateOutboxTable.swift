import AcmeDatabase
import SQLKit

struct CreateOutboxTable: Migration {
    let name = "CreateOutboxTable"

    func prepare(on db: any SQLDatabase) async throws {
        try await db.create(table: "outbox")
            .column("id", type: .int, .primaryKey(autoIncrement: true))
            .column("topic", type: .text, .notNull)
            .column("event_key", type: .text, .notNull)
            .column("value", type: .blob, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
    }
}
