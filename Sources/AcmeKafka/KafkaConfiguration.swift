/// How AcmeKafka's clients connect: the brokers, the client id, group timings and any further librdkafka
/// properties (`extra`, applied last, so they override the defaults below).
public struct KafkaConfiguration: Sendable, Equatable {
    /// `host:port[,host:port…]`
    public var bootstrapServers: String
    public var clientID: String
    /// A group member that sends no heartbeat for this long is removed and its partitions reassigned.
    public var sessionTimeout: Duration = .seconds(10)
    public var heartbeatInterval: Duration = .seconds(3)
    /// How long the producer waits to fill a batch.
    public var linger: Duration = .milliseconds(5)
    /// How long a message may wait for its delivery (retries included) before `publish` fails.
    public var deliveryTimeout: Duration = .seconds(30)
    /// How long the broker may hold a fetch when there is no data.
    public var fetchWaitMax: Duration = .milliseconds(100)
    /// Further librdkafka properties (https://github.com/confluentinc/librdkafka/blob/master/CONFIGURATION.md).
    public var extra: [String: String] = [:]

    public init(bootstrapServers: String, clientID: String = "acme") {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
    }

    /// The producer's properties: idempotent (no duplicates or reordering on retry), acknowledged by every
    /// in-sync replica, and partitioned like the Java client (murmur2 of the key).
    public var producerProperties: [(key: String, value: String)] {
        common + [
            ("enable.idempotence", "true"),
            ("acks", "all"),
            ("linger.ms", Self.millis(linger)),
            ("delivery.timeout.ms", Self.millis(deliveryTimeout)),
            ("partitioner", "murmur2_random"),
        ] + overrides
    }

    /// A consumer-group member's properties: offsets are committed only explicitly, after the effect, and a
    /// group without committed offsets starts at the beginning of each partition.
    public func consumerProperties(group: String) -> [(key: String, value: String)] {
        common + [
            ("group.id", group),
            ("enable.auto.commit", "false"),
            ("enable.auto.offset.store", "false"),
            ("auto.offset.reset", "earliest"),
            ("session.timeout.ms", Self.millis(sessionTimeout)),
            ("heartbeat.interval.ms", Self.millis(heartbeatInterval)),
            ("fetch.wait.max.ms", Self.millis(fetchWaitMax)),
        ] + overrides
    }

    private var common: [(key: String, value: String)] {
        [("bootstrap.servers", bootstrapServers), ("client.id", clientID)]
    }

    private var overrides: [(key: String, value: String)] {
        extra.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    static func millis(_ duration: Duration) -> String {
        String(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
