import AcmeCore
import AcmeDatabase
import SQLKit

/// A service's transactional outbox: events are written to the `outbox` table in the same transaction
/// as the state change they describe, then relayed to the bus by `OutboxRelay`. A change is therefore
/// never published without being committed, nor committed without eventually being published.
public struct Outbox: Sendable {
    public let database: any Database
    let signal: ChangeSignal
    let clock: any WallClock

    public static let migration: any Migration = CreateOutboxTable()

    public init(database: any Database, clock: any WallClock = SystemWallClock()) {
        self.database = database
        self.signal = ChangeSignal()
        self.clock = clock
    }

    /// Runs `body` in one transaction; events it emits are committed with it and relayed afterwards.
    public func transaction<T: Sendable>(_ body: (any SQLDatabase, EventWriter) async throws -> T) async throws -> T {
        let result = try await database.transaction { db in
            try await body(db, EventWriter(database: db, now: clock.now()))
        }
        signal.fire()
        return result
    }

    struct Row: Sendable {
        var id: Int64
        var event: OutgoingEvent
    }

    func pending(limit: Int) async throws -> [Row] {
        try await database.read { db in
            try await db.select().columns("id", "topic", "event_key", "value").from("outbox")
                .orderBy("id").limit(limit).all()
                .map { row in
                    Row(
                        id: try row.decode(column: "id", as: Int64.self),
                        event: OutgoingEvent(
                            topic: Topic(try row.decode(column: "topic", as: String.self)),
                            key: try row.decode(column: "event_key", as: String.self),
                            value: Array(try row.decode(column: "value", as: Data.self))))
                }
        }
    }

    /// Deletes relayed rows; the bus now holds them.
    func remove(through id: Int64) async throws {
        try await database.transaction { db in
            try await db.delete(from: "outbox").where("id", .lessThanOrEqual, id).run()
        }
    }

    /// Rows not yet relayed (for readiness checks and tests).
    public func backlog() async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM outbox").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
import Foundation
