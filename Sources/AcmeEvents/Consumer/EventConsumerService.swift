import Logging
import ServiceLifecycle

/// Runs one consumer-group member: poll, apply each event, commit after the effect.
///
/// A handler failure is retried with backoff; an event that still fails after `maxAttempts` is published
/// to `<topic>.dlq` (with the error) and skipped, so one poison event cannot block its partition.
public struct EventConsumerService: Service {
    public typealias Handler = @Sendable (ConsumedEvent) async throws -> Void

    public let bus: any EventBus
    public let group: String
    public let topics: [Topic]
    public let handler: Handler
    public let logger: Logger
    public var maxAttempts = 5

    public init(bus: any EventBus, group: String, topics: [Topic], logger: Logger, handler: @escaping Handler) {
        self.bus = bus
        self.group = group
        self.topics = topics
        self.handler = handler
        self.logger = logger
    }

    public func run() async throws {
        let consumer = try await bus.consumer(group: group, topics: topics)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let events: [ConsumedEvent]
            do {
                // Shutdown cancels a waiting poll; events already handed out are applied and committed first.
                events = try await cancelWhenGracefulShutdown { try await consumer.poll(max: 100, timeout: .seconds(1)) }
            } catch is CancellationError {
                continue
            } catch {
                logger.error("event poll failed", metadata: ["group": "\(group)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            guard !events.isEmpty else { continue }
            for event in events { try await apply(event) }
            try await commitRetrying(events, consumer)
        }
        await consumer.close()
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
