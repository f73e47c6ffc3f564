import Logging
import ServiceLifecycle

/// Runs one consumer-group member: poll, apply each event, commit after the effect.
///
/// A handler failure is retried with backoff; an event that still fails after `maxAttempts` is published
/// to `<topic>.dlq` (with the error) and skipped, so one poison event cannot block its partition.
///
/// A batch handler gets each poll's events at once (one transaction for many events); when a batch fails,
/// its events are applied one by one as one-event batches, with the same retries, so a poison event is
/// isolated. Batch handlers must therefore be idempotent, as every handler already is under at-least-once
/// delivery.
public struct EventConsumerService: Service {
    public typealias Handler = @Sendable (ConsumedEvent) async throws -> Void
    public typealias BatchHandler = @Sendable ([ConsumedEvent]) async throws -> Void

    public let bus: any EventBus
    public let group: String
    public let topics: [Topic]
    public let logger: Logger
    public var maxAttempts = 5
    /// Events per poll (and so per batch).
    public var maxBatch = 100
    /// How long to wait after the first events of a batch for more to join them: fewer, larger batches (for a
    /// handler whose cost is mostly per batch, such as one transaction) for that much more latency.
    public var linger: Duration = .zero
    private let handler: Handler
    private let batchHandler: BatchHandler?

    public init(bus: any EventBus, group: String, topics: [Topic], logger: Logger, handler: @escaping Handler) {
        self.bus = bus
        self.group = group
        self.topics = topics
        self.handler = handler
        self.batchHandler = nil
        self.logger = logger
    }

    public init(bus: any EventBus, group: String, topics: [Topic], logger: Logger, batchHandler: @escaping BatchHandler) {
        self.bus = bus
        self.group = group
        self.topics = topics
        self.handler = { event in try await batchHandler([event]) }
        self.batchHandler = batchHandler
        self.logger = logger
    }

    public func run() async throws {
        let consumer = try await bus.consumer(group: group, topics: topics)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let events: [ConsumedEvent]
            do {
                // Shutdown cancels a waiting poll; events already handed out are applied and committed first.
                events = try await cancelWhenGracefulShutdown { try await poll(consumer) }
            } catch is CancellationError {
                continue
            } catch {
                logger.error("event poll failed", metadata: ["group": "\(group)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            guard !events.isEmpty else { continue }
            try await applyAll(events)
            try await commitRetrying(events, consumer)
        }
        await consumer.close()
    }

    private func poll(_ consumer: any EventConsumer) async throws -> [ConsumedEvent] {
        var events = try await consumer.poll(max: maxBatch, timeout: .seconds(1))
        if linger > .zero, !events.isEmpty, events.count < maxBatch {
            // Shutdown cuts the wait short; the events already read are applied and committed as usual.
            try? await Task.sleep(for: linger)
            events += try await consumer.poll(max: maxBatch - events.count, timeout: .zero)
        }
        return events
    }

    private func applyAll(_ events: [ConsumedEvent]) async throws {
        if let batchHandler, events.count > 1 {
            do {
                return try await batchHandler(events)
            } catch {
                logger.warning("event batch failed; applying its events one by one", metadata: ["group": "\(group)", "error": "\(error)"])
            }
        }
        for event in events { try await apply(event) }
    }

    private func apply(_ event: ConsumedEvent) async throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await handler(event)
                return
            } catch {
                if attempt >= maxAttempts {
                    logger.error("event sent to dead-letter topic", metadata: [
                        "group": "\(group)", "topic": "\(event.topic)", "offset": "\(event.offset)", "error": "\(error)",
                    ])
                    try await bus.publish([DeadLetter.event(for: event, group: group, error: error)])
                    return
                }
                try await Task.sleep(for: .milliseconds(20 << attempt))
            }
        }
    }

    private func commitRetrying(_ events: [ConsumedEvent], _ consumer: any EventConsumer) async throws {
        while true {
            do {
                return try await consumer.commit(events)
            } catch {
                logger.error("offset commit failed; retrying", metadata: ["group": "\(group)", "error": "\(error)"])
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
