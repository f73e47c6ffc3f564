import AcmeEvents
import AcmeKafka
import Logging

extension EventTail {
    /// `events tail` on Kafka: a reader of every partition outside any consumer group (it commits nothing),
    /// at the end of each partition or at its beginning. Values come back as the JSON envelopes they were
    /// published as (Avro on the wire is decoded with the compiled-in schemas).
    func run(kafka config: AcmeConfig, brokers: String, logger: Logger, output: (String) -> Void) async throws {
        #if Kafka
        let bus = try KafkaEventBus(configuration: AcmeServer.kafkaConfiguration(config, brokers: brokers), logger: logger)
        do {
            let reader = try await bus.reader(topic: topic, fromBeginning: fromBeginning)
            var printed = 0
            while !Task.isCancelled, printed < maxEvents ?? .max {
                let events = try await reader.poll(max: min(500, (maxEvents ?? .max) - printed), timeout: .milliseconds(500))
                for event in events { output(Self.line(event)) }
                printed += events.count
            }
            await reader.close()
        } catch {
            await bus.close()
            throw error
        }
        await bus.close()
        #else
        throw ConfigError.kafkaUnsupported
        #endif
    }
}
