#if Kafka
import AcmeDatabase
import AcmeEvents
import Foundation
import Logging
import SQLKit

/// A consumer's side effects in a SQLite file of their own: the effect of an event is a row in `applied`,
/// written in the same transaction as `ProcessedEvents.claim`, as a real consumer does. `applied` has no
/// unique key, so an effect applied twice shows up as two rows, which the tests look for.
final class EffectStore: Sendable {
    let database: any Database
    /// The consumer name `ProcessedEvents` records.
    let consumer = "kafka-test"
    private let directory: String

    private init(database: any Database, directory: String) {
        self.database = database
        self.directory = directory
    }

    /// A fresh store; its database also holds an outbox, for relay tests.
    static func open() async throws -> EffectStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("acme-kafka-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let logger = Logger(label: "kafka-test")
        let database = try await SQLiteDatabasePool.open(name: "effects", path: "\(directory)/effects.sqlite", durability: .normal, logger: logger)
        try await Migrator(database: database, migrations: [Outbox.migration, ProcessedEvents.migration, CreateAppliedTable()], logger: logger).migrate()
        return EffectStore(database: database, directory: directory)
    }

    /// Runs `body` with a fresh store and removes it afterwards.
    static func with<T>(_ body: (EffectStore) async throws -> T) async throws -> T {
        let store = try await open()
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// Applies `event` once: false if it had been applied before (a redelivery), true if applied now.
    @discardableResult
    func apply(_ event: ConsumedEvent, instance: String) async throws -> Bool {
        let header = try EventCodec.header(event.value)
        let consumer = self.consumer
        return try await database.transaction { db in
            guard try await ProcessedEvents.claim(header.id, consumer: consumer, on: db) else { return false }
            try await db.insert(into: "applied").columns("event_id", "subject", "instance", "partition_no")
                .values(SQLBind(header.id), SQLBind(header.subject), SQLBind(instance), SQLBind(event.partition))
                .run()
            return true
        }
    }

    struct Row: Sendable {
        var eventID: String
        var subject: String
        var instance: String
        var partition: Int
    }

    func applied() async throws -> [Row] {
        try await database.read { db in
            try await db.select().columns("event_id", "subject", "instance", "partition_no").from("applied").all().map { row in
                Row(eventID: try row.decode(column: "event_id", as: String.self), subject: try row.decode(column: "subject", as: String.self),
                    instance: try row.decode(column: "instance", as: String.self), partition: try row.decode(column: "partition_no", as: Int.self))
            }
        }
    }

    /// Waits until `predicate` holds for the applied rows; fails (returning the last rows) after `timeout`.
    func waitUntil(timeout: Duration, _ predicate: ([Row]) -> Bool) async throws -> [Row] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let rows = try await applied()
            if predicate(rows) || ContinuousClock.now >= deadline { return rows }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func close() async {
        try? await database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

struct CreateAppliedTable: Migration {
    let name = "CreateAppliedTable"

    func prepare(on db: any SQLDatabase) async throws {
        try await db.create(table: "applied")
            .column("event_id", type: .text, .notNull)
            .column("subject", type: .text, .notNull)
            .column("instance", type: .text, .notNull)
            .column("partition_no", type: .int, .notNull)
            .run()
    }
}

/// A JSON envelope as `EventCodec` writes it, for events published without an outbox.
func envelope(id: String, subject: String, key: String = "k") -> [UInt8] {
    struct Payload: Codable, Sendable { var projectId: String }
    let value = EventEnvelope(
        id: id, type: "project.archived", occurredAt: Date(timeIntervalSince1970: 1_764_000_000), orgId: key, actor: nil,
        subject: subject, subjectVersion: 1, traceparent: nil, payload: Payload(projectId: subject))
    return (try? EventCodec.encode(value)) ?? []
}

/// Counts of each value in `values` that occurs more than once.
func duplicates(_ values: [String]) -> [String: Int] {
    Dictionary(grouping: values, by: { $0 }).mapValues(\.count).filter { $0.value > 1 }
}
#endif
