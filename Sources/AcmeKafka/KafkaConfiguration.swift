/// How AcmeKafka's clients connect: the brokers, the client id, group timings and any further librdkafka
/// properties (`extra`, applied last, so they override the defaults below).
public struct KafkaConfiguration: Sendable, Equatable {
    /// `host:port[,host:port…]`
    public var bootstrapServers: String
    public var clientID: String
    /// A group member that sends no heartbeat for this long is removed and its partitions reassigned.
    public var sessionTimeout: Duration = .seconds(10)
    public var heartbeatInterval: Duration = .seconds(3)
    /// How long the producer waits to fill a batch. Short, because the relay waits for each batch's
    /// acknowledgement (a full queue sends at once anyway); at 5 ms the wait was half an event's latency.
    public var linger: Duration = .milliseconds(1)
    /// How long a message may wait for its delivery (retries included) before `publish` fails.
    public var deliveryTimeout: Duration = .seconds(30)
    /// How long the broker may hold a fetch when there is no data. Kafka answers a held fetch as soon as data
    /// arrives; tansu 0.6 holds it for the whole time (at 100 ms the median end-to-end latency was 49 ms), so
    /// there this bounds the delivery delay, at the price of 100 small requests a second per idle consumer.
    public var fetchWaitMax: Duration = .milliseconds(10)
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
        // Small requests go out at once rather than waiting for the previous one's TCP acknowledgement.
        [("bootstrap.servers", bootstrapServers), ("client.id", clientID), ("socket.nagle.disable", "true")]
    }

    private var overrides: [(key: String, value: String)] {
        extra.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    static func millis(_ duration: Duration) -> String {
        String(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
