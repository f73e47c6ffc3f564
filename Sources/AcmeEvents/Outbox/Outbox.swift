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

    /// Hands the oldest committed rows (at most `limit`) to `publish`, then deletes them; returns how many.
    ///
    /// On PostgreSQL several instances of a service share the outbox. Claiming runs in one transaction:
    /// `pg_try_advisory_xact_lock` lets one relay at a time through (another instance returns 0 and tries
    /// again later), which keeps each key's events in order across instances, and the rows are selected
    /// `FOR UPDATE SKIP LOCKED` so a relay never waits on, or deletes, rows another transaction holds.
    /// On SQLite one process owns the file, so a plain read, publish and delete is enough, and publishing
    /// outside a write transaction keeps writers unblocked meanwhile.
    func relay(limit: Int, _ publish: ([OutgoingEvent]) async throws -> Void) async throws -> Int {
        guard database.isShared else {
            let rows = try await pending(limit: limit)
            guard let last = rows.last else { return 0 }
            try await publish(rows.map(\.event))
            try await database.transaction { db in
                try await db.delete(from: "outbox").where("id", .lessThanOrEqual, last.id).run()
            }
            return rows.count
        }
        return try await database.transaction { db in
            let locked = try await db.raw("SELECT pg_try_advisory_xact_lock(\(bind: Self.relayLockKey), hashtext(current_schema())) AS locked")
                .first()?.decode(column: "locked", as: Bool.self) ?? false
            guard locked else { return 0 }
            let rows = try await Self.pending(limit: limit, lock: true, on: db)
            guard !rows.isEmpty else { return 0 }
            try await publish(rows.map(\.event))
            try await db.delete(from: "outbox").where("id", .in, rows.map(\.id)).run()
            return rows.count
        }
    }

    /// `pg_try_advisory_xact_lock` key of the relay: "rely" in ASCII, paired with the schema's hash because
    /// advisory locks are per database and services (or test runs) may share one in separate schemas.
    static let relayLockKey: Int32 = 0x72656C79

    func pending(limit: Int) async throws -> [Row] {
        try await database.read { db in try await Self.pending(limit: limit, lock: false, on: db) }
    }

    private static func pending(limit: Int, lock: Bool, on db: any SQLDatabase) async throws -> [Row] {
        var query = db.select().columns("id", "topic", "event_key", "value").from("outbox").orderBy("id").limit(limit)
        if lock { query = query.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED")) }
        return try await query.all().map { row in
            Row(
                id: try row.decode(column: "id", as: Int64.self),
                event: OutgoingEvent(
                    topic: Topic(try row.decode(column: "topic", as: String.self)),
                    key: try row.decode(column: "event_key", as: String.self),
                    value: Array(try row.decode(column: "value", as: Data.self))))
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
