import AcmeEvents
import Logging

/// Keeps the index in step with the event log: the live consumer group, and rebuilds from the retained log.
public struct SearchIndexer: Sendable {
    let index: any SearchIndex
    let logger: Logger

    public init(index: any SearchIndex, logger: Logger) {
        self.index = index
        self.logger = logger
    }

    /// How long a batch waits for more events once its first has arrived. Most of a batch's cost is per
    /// transaction (the full-text index writes a segment per commit, and shared pages are rewritten), so under
    /// a stream of writes this saves a tenth of the server's CPU per document created; what an event changes
    /// becomes searchable that much later (Elasticsearch refreshes once a second).
    static let linger = Duration.milliseconds(200)

    /// The consumer to run beside the HTTP server: each poll's events (up to 1,000, gathered for up to
    /// `linger`) are applied in one transaction.
    public func consumer(bus: any EventBus) -> EventConsumerService {
        var service = EventConsumerService(bus: bus, group: SearchEvents.group, topics: SearchEvents.topics, logger: logger) { events in
            try await apply(events)
        }
        service.linger = Self.linger
        service.maxBatch = 1000
        return service
    }

    func apply(_ events: [ConsumedEvent]) async throws {
        let changes = try events.compactMap(SearchEvents.change(from:))
        if !changes.isEmpty { try await index.apply(changes) }
    }

    /// Empties the index and replays every retained event into it through a consumer group of its own; returns
    /// the number of events read. The live consumer may keep running meanwhile: changes are versioned, so
    /// whichever of the two applies an event first wins and the other skips it.
    public func reindex(bus: any EventBus, group: String) async throws -> Int {
        try await index.reset()
        let consumer = try await bus.consumer(group: group, topics: SearchEvents.topics)
        var read = 0
        do {
            // The first poll may wait for the group to be assigned its partitions; after that, a quiet second
            // means the retained log has been read.
            var timeout = Duration.seconds(10)
            while true {
                let events = try await consumer.poll(max: 500, timeout: timeout)
                if events.isEmpty { break }
                try await apply(events)
                try await consumer.commit(events)
                read += events.count
                timeout = .seconds(1)
            }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
        logger.info("search index rebuilt", metadata: ["events": "\(read)"])
        return read
    }
}
