import AcmeDatabase
import SQLKit

struct CreateEventLogTables: Migration {
    let name = "CreateEventLogTables"

    func prepare(on db: any SQLDatabase) async throws {
        try await db.create(table: "event_log")
            .column("topic", type: .text, .notNull)
            .column("partition_no", type: .int, .notNull)
            .column("log_offset", type: .bigint, .notNull)
            .column("event_key", type: .text, .notNull)
            .column("value", type: .blob, .notNull)
            .column("appended_at", type: .bigint, .notNull)
            .primaryKey("topic", "partition_no", "log_offset")
            .run()
        try await db.create(table: "event_offsets")
            .column("group_id", type: .text, .notNull)
            .column("topic", type: .text, .notNull)
            .column("partition_no", type: .int, .notNull)
            .column("next_offset", type: .bigint, .notNull)
            .primaryKey("group_id", "topic", "partition_no")
            .run()
    }
}
