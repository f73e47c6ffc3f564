import AcmeDatabase
import SQLKit

/// The embedded event bus: a durable, partitioned append-only log in its own SQLite file.
///
/// Topics are split into partitions by a stable hash of the key, offsets grow per partition, and
/// consumer groups store their committed offsets next to the log, so a restart resumes where each group
/// left off and any group can replay from offset 0.
public final class LocalEventLog: EventBus {
    public let database: any Database
    public let partitionCount: Int
    let signal = ChangeSignal()

    public static let migrations: [any Migration] = [CreateEventLogTables()]

    public init(database: any Database, partitionCount: Int = 3) {
        precondition(partitionCount > 0, "a topic needs at least one partition")
        self.database = database
        self.partitionCount = partitionCount
    }

    public func partition(for key: String) -> Int {
        Int(PartitionHash.fnv1a(key) % UInt32(partitionCount))
    }

    public func publish(_ events: [OutgoingEvent]) async throws {
        guard !events.isEmpty else { return }
        try await database.transaction { db in
            var next: [String: Int64] = [:]
            for event in events {
                let partition = partition(for: event.key)
                let slot = "\(event.topic.rawValue)#\(partition)"
                let offset: Int64
                if let known = next[slot] {
                    offset = known
                } else {
                    offset = try await Self.nextOffset(db, topic: event.topic, partition: partition)
                }
                try await db.insert(into: "event_log")
                    .columns("topic", "partition_no", "log_offset", "event_key", "value", "appended_at")
                    .values(
                        SQLBind(event.topic.rawValue), SQLBind(partition), SQLBind(offset), SQLBind(event.key),
                        SQLBind(Data(event.value)), SQLBind(Timestamp.millis(.now)))
                    .run()
                next[slot] = offset + 1
            }
        }
        signal.fire()
    }

    public func consumer(group: String, topics: [Topic]) async throws -> any EventConsumer {
        try await LocalEventConsumer(log: self, group: group, topics: topics)
    }

    /// The offset the next event in this partition will get (0 for an empty partition).
    public func endOffset(topic: Topic, partition: Int) async throws -> Int64 {
        try await database.read { db in try await Self.nextOffset(db, topic: topic, partition: partition) }
    }

    static func nextOffset(_ db: any SQLDatabase, topic: Topic, partition: Int) async throws -> Int64 {
        let row = try await db.raw(
            "SELECT COALESCE(MAX(log_offset) + 1, 0) AS next FROM event_log WHERE topic = \(bind: topic.rawValue) AND partition_no = \(bind: partition)"
        ).first()
        return try row?.decode(column: "next", as: Int64.self) ?? 0
    }
}

import AcmeCore
import Foundation
