import AcmeCore
import AcmeDatabase
import SQLKit

/// Makes a consumer's effect exactly-once: record the event id in the same transaction as the effect,
/// and skip events already recorded.
public enum ProcessedEvents {
    public static let migration: any Migration = CreateProcessedEventsTable()

    /// Records `eventId` for `consumer`; false if it was already processed (the caller then skips it).
    public static func claim(_ eventId: String, consumer: String, on db: any SQLDatabase) async throws -> Bool {
        let existing = try await db.select().column("event_id").from("processed_events")
            .where("consumer", .equal, consumer).where("event_id", .equal, eventId).first()
        guard existing == nil else { return false }
        try await db.insert(into: "processed_events")
            .columns("consumer", "event_id", "processed_at")
            .values(SQLBind(consumer), SQLBind(eventId), SQLBind(Timestamp.millis(.now)))
            .run()
        return true
    }
}

struct CreateProcessedEventsTable: Migration {
    let name = "CreateProcessedEventsTable"

    func prepare(on db: any SQLDatabase) async throws {
        try await db.create(table: "processed_events")
            .column("consumer", type: .text, .notNull)
            .column("event_id", type: .text, .notNull)
            .column("processed_at", type: .bigint, .notNull)
            .primaryKey("consumer", "event_id")
            .run()
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
