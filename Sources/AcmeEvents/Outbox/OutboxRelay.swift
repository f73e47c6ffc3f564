import Logging
import ServiceLifecycle

/// Moves committed outbox rows to the bus in order, then deletes them (at-least-once: a crash between
/// publish and delete republishes, and consumers deduplicate on the event id).
public struct OutboxRelay: Service {
    public let outbox: Outbox
    public let bus: any EventBus
    public let logger: Logger
    public var batchSize = 500

    public init(outbox: Outbox, bus: any EventBus, logger: Logger) {
        self.outbox = outbox
        self.bus = bus
        self.logger = logger
    }

    public func run() async throws {
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let seen = outbox.signal.generation
            do {
                let relayed = try await relayBatch()
                failures = 0
                if relayed == batchSize { continue }
                // Shutdown cancels the wait, so the final drain below starts at once.
                await cancelWhenGracefulShutdown { await outbox.signal.wait(since: seen, timeout: .seconds(1)) }
            } catch {
                failures += 1
                logger.error("outbox relay failed; will retry", metadata: [
                    "database": "\(outbox.database.name)", "error": "\(error)",
                ])
                try? await Task.sleep(for: .milliseconds(min(5_000, 50 << min(failures, 7))))
            }
        }
        // Hand over what was committed before shutdown.
        while (try? await relayBatch()) ?? 0 > 0 {}
    }

    /// Publishes one batch; returns how many rows it relayed.
    @discardableResult
    public func relayBatch() async throws -> Int {
        try await outbox.relay(limit: batchSize) { events in try await bus.publish(events) }
    }
}
