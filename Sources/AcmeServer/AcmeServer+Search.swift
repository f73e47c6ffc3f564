import AcmeCore
import AcmeDatabase
import AcmeEvents
import Foundation
import Logging
import Search

#if Kafka
import AcmeKafka
#endif

extension AcmeServer {
    /// `acme-server search reindex`: empties the search index and rebuilds it from the retained event log (on the
    /// configured bus) through a consumer group of its own; returns the number of events read. A running server
    /// may keep serving and indexing meanwhile (see `SearchIndexer.reindex`).
    public static func reindexSearch(_ config: AcmeConfig, logger: Logger) async throws -> Int {
        let search = try await open("search", config: config, migrations: SearchService.migrations, logger: logger)
        let events: any Database
        do {
            events = try await open("events", config: config, migrations: LocalEventLog.migrations, logger: logger)
        } catch {
            try? await search.close()
            throw error
        }
        func closeAll(_ bus: (any EventBus)?) async {
            #if Kafka
            if let kafka = bus as? KafkaEventBus { await kafka.close() }
            #endif
            try? await events.close()
            try? await search.close()
        }
        let bus: any EventBus
        do {
            bus = try await eventBus(config, events: events, logger: logger)
        } catch {
            await closeAll(nil)
            throw error
        }
        do {
            let indexer = SearchIndexer(index: try await SearchService.index(on: search), logger: logger)
            let read = try await indexer.reindex(bus: bus, group: "search.reindex.\(AcmeID.make("run", at: Date()))")
            await closeAll(bus)
            return read
        } catch {
            await closeAll(bus)
            throw error
        }
    }
}
