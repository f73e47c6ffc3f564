import AcmeEvents
import AcmeKafka
import ServiceLifecycle

/// Closes the Kafka bus after the relays and consumers have stopped (it comes right after `DatabaseCloser`
/// in the service list, and services shut down in reverse order): the producer delivers what the relays
/// handed it, then its poller thread ends. The embedded log needs nothing closed but its database.
struct EventBusCloser: Service {
    let bus: any EventBus

    func run() async throws {
        try? await gracefulShutdown()
        #if Kafka
        if let kafka = bus as? KafkaEventBus { await kafka.close() }
        #endif
    }
}
