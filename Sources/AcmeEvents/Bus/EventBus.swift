/// An event to append to a topic. The key chooses the partition, so events with one key stay in order.
public struct OutgoingEvent: Sendable, Equatable {
    public var topic: Topic
    public var key: String
    public var value: [UInt8]

    public init(topic: Topic, key: String, value: [UInt8]) {
        self.topic = topic
        self.key = key
        self.value = value
    }
}

/// An event read from a topic, with its position.
public struct ConsumedEvent: Sendable, Equatable {
    public var topic: Topic
    public var partition: Int
    public var offset: Int64
    public var key: String
    public var value: [UInt8]

    public init(topic: Topic, partition: Int, offset: Int64, key: String, value: [UInt8]) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
    }
}

/// The event bus: the embedded durable log, or Kafka. Both give the same guarantees: an append is
/// durable when `publish` returns, order is kept per key, and a consumer group resumes after its last
/// committed offset.
public protocol EventBus: Sendable {
    /// Appends the events; returns once every one of them is durably stored.
    func publish(_ events: [OutgoingEvent]) async throws
    /// Joins `group` on `topics`. Each group sees every event; within a group each partition is read by one consumer.
    func consumer(group: String, topics: [Topic]) async throws -> any EventConsumer
}

/// One member of a consumer group.
public protocol EventConsumer: Sendable {
    /// Up to `max` events after the committed positions, waiting up to `timeout` for the first one.
    func poll(max: Int, timeout: Duration) async throws -> [ConsumedEvent]
    /// Records that everything up to and including these events has been applied.
    func commit(_ events: [ConsumedEvent]) async throws
    func close() async
}
