import AcmeDatabase
import SQLKit

/// A consumer-group member on the embedded log. It is assigned every partition of its topics; the read
/// position moves on `poll` and is stored on `commit`, so uncommitted events are read again after a restart.
actor LocalEventConsumer: EventConsumer {
    private let log: LocalEventLog
    private let group: String
    private let topics: [Topic]
    /// Next offset to read, per "topic#partition".
    private var positions: [String: Int64] = [:]
    private let signal: ChangeSignal

    init(log: LocalEventLog, group: String, topics: [Topic]) async throws {
        self.log = log
        self.group = group
        self.topics = topics
        self.signal = log.signal(for: topics)
        let rows = try await log.database.read { db in
            try await db.select().columns("topic", "partition_no", "next_offset").from("event_offsets")
                .where("group_id", .equal, group).all()
        }
        for row in rows {
            let topic = try row.decode(column: "topic", as: String.self)
            let partition = try row.decode(column: "partition_no", as: Int.self)
            positions[LocalEventLog.slot(topic, partition)] = try row.decode(column: "next_offset", as: Int64.self)
        }
    }

    func poll(max: Int, timeout: Duration) async throws -> [ConsumedEvent] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let seen = signal.generation
            let events = try await fetch(max: max)
            if !events.isEmpty {
                for event in events { positions[Self.slot(event.topic, event.partition)] = event.offset + 1 }
                return events
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero || Task.isCancelled { return [] }
            await signal.wait(since: seen, timeout: remaining)
        }
    }

    private func fetch(max: Int) async throws -> [ConsumedEvent] {
        let positions = self.positions
        let slots = topics.flatMap { topic in (0..<log.partitionCount).map { (topic, $0) } }.filter { topic, partition in
            log.mayHaveEvents(topic: topic, partition: partition, from: positions[Self.slot(topic, partition)] ?? 0)
        }
        if slots.isEmpty { return [] }
        return try await log.database.read { db in
            var events: [ConsumedEvent] = []
            for (topic, partition) in slots where events.count < max {
                let from = positions[Self.slot(topic, partition)] ?? 0
                events += try await LocalEventLog.events(db, topic: topic, partition: partition, from: from, limit: max - events.count)
            }
            return events
        }
    }

    func commit(_ events: [ConsumedEvent]) async throws {
        var next: [String: (Topic, Int, Int64)] = [:]
        for event in events {
            let slot = Self.slot(event.topic, event.partition)
            if (next[slot]?.2 ?? -1) < event.offset + 1 { next[slot] = (event.topic, event.partition, event.offset + 1) }
        }
        guard !next.isEmpty else { return }
        let values = next.values.flatMap { topic, partition, offset -> [any Encodable & Sendable] in
            [group, topic.rawValue, partition, offset]
        }
        try await log.database.transaction { db in try await Self.storeOffsets.run(db, rows: next.count, values) }
    }

    /// Distinct partitions per statement, so no row is upserted twice (which PostgreSQL refuses).
    private static let storeOffsets = SQLTemplate(deferrable: true, rows: { db, rows in
        SQLTemplate.insert(db, into: "event_offsets", columns: ["group_id", "topic", "partition_no", "next_offset"], rows: rows)
            .onConflict(with: ["group_id", "topic", "partition_no"]) { $0.set(excludedValueOf: "next_offset") }.query
    })

    func close() async {
        log.removeSignal(signal)
    }

    private static func slot(_ topic: Topic, _ partition: Int) -> String { LocalEventLog.slot(topic.rawValue, partition) }
}
import Foundation
