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
    /// Wake-up signals of the consumers, by topic: an append wakes only the consumers of its topics.
    private let signals = Mutex<[Topic: [ChangeSignal]]>([:])
    /// The next offset of each "topic#partition", read from the log once and then kept here (appends are
    /// serialized by the writer, so no one else moves them). A rolled-back append leaves a gap, which
    /// consumers skip like Kafka's.
    private let ends = Mutex(Ends())

    private struct Ends {
        var next: [String: Int64] = [:]
        /// Every partition's end was loaded (`loadEnds`): a partition missing from `next` is empty.
        var complete = false

        func known(_ slot: String) -> Int64? { next[slot] ?? (complete ? 0 : nil) }
    }

    public static let migrations: [any Migration] = [CreateEventLogTables()]

    public init(database: any Database, partitionCount: Int = 3) {
        precondition(partitionCount > 0, "a topic needs at least one partition")
        self.database = database
        self.partitionCount = partitionCount
    }

    public func partition(for key: String) -> Int {
        Int(FNV1a.hash(key) % UInt32(partitionCount))
    }

    public func publish(_ events: [OutgoingEvent]) async throws {
        guard !events.isEmpty else { return }
        try await database.transaction { db in
            let now = Timestamp.millis(.now)
            var values: [any Encodable & Sendable] = []
            values.reserveCapacity(events.count * 6)
            for event in events {
                let partition = partition(for: event.key)
                let offset = try await takeOffset(topic: event.topic, partition: partition, db: db)
                values += [event.topic.rawValue, partition, offset, event.key, Data(event.value), now] as [any Encodable & Sendable]
            }
            try await Self.append.run(db, rows: events.count, values)
        }
        let topics = Set(events.map(\.topic))
        let waiting = signals.withLock { signals in topics.flatMap { signals[$0] ?? [] } }
        for signal in waiting { signal.fire() }
    }

    private static let append = SQLTemplate(deferrable: true, rows: { db, rows in
        SQLTemplate.insert(
            db, into: "event_log", columns: ["topic", "partition_no", "log_offset", "event_key", "value", "appended_at"], rows: rows
        ).query
    })

    /// Whether a partition may hold events at or after `offset`: false only when this log knows the partition's
    /// end (it appended to it, or loaded every end) and `offset` is there, so a caught-up reader need not ask.
    func mayHaveEvents(topic: Topic, partition: Int, from offset: Int64) -> Bool {
        let slot = Self.slot(topic.rawValue, partition)
        return ends.withLock { ends in ends.known(slot).map { offset < $0 } ?? true }
    }

    /// Reads where every partition ends, for the process that appends to this log (the server): from then on
    /// neither appends nor caught-up consumers ask the database where a partition ends. Call it before the
    /// first append.
    public func loadEnds() async throws {
        let rows = try await database.read { db in
            try await db.raw("SELECT topic, partition_no, MAX(log_offset) + 1 AS next FROM event_log GROUP BY topic, partition_no").all()
        }
        var loaded: [String: Int64] = [:]
        for row in rows {
            loaded[Self.slot(try row.string("topic"), try row.decode(column: "partition_no", as: Int.self))] =
                try row.decode(column: "next", as: Int64.self)
        }
        ends.withLock { ends in
            ends.next.merge(loaded) { max($0, $1) }
            ends.complete = true
        }
    }

    /// The key of a topic's partition in the maps of partition ends and consumer positions.
    static func slot(_ topic: String, _ partition: Int) -> String { topic + "#" + String(partition) }

    /// Reserves the next offset of a partition (inside the publishing transaction).
    private func takeOffset(topic: Topic, partition: Int, db: any SQLDatabase) async throws -> Int64 {
        let slot = Self.slot(topic.rawValue, partition)
        if let offset = ends.withLock({ ends -> Int64? in
            guard let next = ends.known(slot) else { return nil }
            ends.next[slot] = next + 1
            return next
        }) {
            return offset
        }
        let stored = try await Self.nextOffset(db, topic: topic, partition: partition)
        return ends.withLock { ends in
            let next = max(ends.next[slot] ?? 0, stored)
            ends.next[slot] = next + 1
            return next
        }
    }

    /// A signal that fires whenever events are appended to any of `topics`.
    func signal(for topics: [Topic]) -> ChangeSignal {
        let signal = ChangeSignal()
        signals.withLock { signals in
            for topic in topics { signals[topic, default: []].append(signal) }
        }
        return signal
    }

    func removeSignal(_ signal: ChangeSignal) {
        signals.withLock { signals in
            for topic in signals.keys { signals[topic]?.removeAll { $0 === signal } }
        }
    }

    public func consumer(group: String, topics: [Topic]) async throws -> any EventConsumer {
        try await LocalEventConsumer(log: self, group: group, topics: topics)
    }

    /// The offset the next event in this partition will get (0 for an empty partition).
    public func endOffset(topic: Topic, partition: Int) async throws -> Int64 {
        try await database.read { db in try await Self.nextOffset(db, topic: topic, partition: partition) }
    }

    /// Up to `max` events of one partition from offset `from` on, for readers outside any group (`events tail`).
    public func read(topic: Topic, partition: Int, from offset: Int64, max: Int) async throws -> [ConsumedEvent] {
        try await database.read { db in try await Self.events(db, topic: topic, partition: partition, from: offset, limit: max) }
    }

    static func events(_ db: any SQLDatabase, topic: Topic, partition: Int, from offset: Int64, limit: Int) async throws -> [ConsumedEvent] {
        try await range.all(db, [topic.rawValue, partition, offset, limit]).map { row in
            ConsumedEvent(
                topic: topic, partition: partition, offset: try row.decode(column: "log_offset", as: Int64.self),
                key: try row.decode(column: "event_key", as: String.self),
                value: Array(try row.decode(column: "value", as: Data.self)))
        }
    }

    private static let range = SQLTemplate { _ in
        let value = SQLTemplate.placeholder
        return SQLQueryString("""
            SELECT log_offset, event_key, value FROM event_log
            WHERE topic = \(value) AND partition_no = \(value) AND log_offset >= \(value) ORDER BY log_offset LIMIT \(value)
            """)
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
import Synchronization
