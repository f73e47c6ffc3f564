import AcmeEvents

/// One partition of a topic.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    public var topic: Topic
    public var partition: Int

    public init(topic: Topic, partition: Int) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic.rawValue)[\(partition)]" }
}
