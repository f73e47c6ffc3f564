import AcmeDatabase
import AcmeEvents
import AcmeKafka
import Logging

extension AcmeServer {
    /// The bus every service's outbox relay and consumers share, as `config.eventBus` chooses: the embedded
    /// log in the `events` database, or Kafka. On Kafka the platform's topics (those with a schema in
    /// `schemas/`) are created if missing, with `eventPartitions` partitions, because a consumer that
    /// subscribes to a missing topic waits for it instead of failing; a broker that cannot be reached
    /// stops the start-up here, with librdkafka's error.
    static func eventBus(_ config: AcmeConfig, events: any Database, logger: Logger) async throws -> any EventBus {
        switch config.eventBus {
        case .embedded:
            return LocalEventLog(database: events, partitionCount: config.eventPartitions)
        case .kafka(let brokers):
            #if Kafka
            let bus = try KafkaEventBus(configuration: kafkaConfiguration(config, brokers: brokers), logger: logger)
            do {
                try await bus.createTopics(EventSchemas.byTopic.keys.sorted { $0.rawValue < $1.rawValue }, partitions: config.eventPartitions)
            } catch {
                await bus.close()
                throw error
            }
            logger.info("event bus: Kafka", metadata: ["brokers": "\(brokers)", "librdkafka": "\(KafkaEventBus.librdkafkaVersion)"])
            return bus
            #else
            _ = brokers
            throw ConfigError.kafkaUnsupported
            #endif
        }
    }

    static func kafkaConfiguration(_ config: AcmeConfig, brokers: String) -> KafkaConfiguration {
        var configuration = KafkaConfiguration(bootstrapServers: brokers, clientID: "acme-server")
        configuration.extra = config.kafkaProperties
        return configuration
    }
}
