import AcmeDatabase
import AcmeEvents
import Foundation
import Logging

/// `acme-server events tail`: prints a topic's events as JSON lines, the operator's first debugging tool.
///
/// It reads the log like a consumer outside any group (nothing is committed, no group is disturbed), from
/// the end of each partition or from the beginning, and keeps following until `maxEvents` or cancellation.
/// A line: `{"topic":…,"partition":…,"offset":…,"key":…,"event":{…}}`; a value that is not JSON is shown
/// as `"valueBase64"`.
public struct EventTail: Sendable {
    public var topic: Topic
    public var fromBeginning = false
    public var maxEvents: Int?
    /// How often to look for new events: another process appends, so there is no in-process signal.
    public var pollInterval = Duration.milliseconds(200)

    public init(topic: String, fromBeginning: Bool = false, maxEvents: Int? = nil) {
        self.topic = Topic(topic)
        self.fromBeginning = fromBeginning
        self.maxEvents = maxEvents
    }

    /// Opens the event bus `config` names (the embedded log or Kafka) and hands each line to `output`.
    public func run(_ config: AcmeConfig, logger: Logger, output: (String) -> Void) async throws {
        if case .kafka(let brokers) = config.eventBus {
            return try await run(kafka: config, brokers: brokers, logger: logger, output: output)
        }
        let database = try await AcmeServer.connect("events", config: config, logger: logger)
        do {
            try await run(on: LocalEventLog(database: database, partitionCount: config.eventPartitions), output: output)
        } catch {
            try? await database.close()
            throw error
        }
        try await database.close()
    }

    func run(on log: LocalEventLog, output: (String) -> Void) async throws {
        var next: [Int64] = []
        for partition in 0..<log.partitionCount {
            next.append(fromBeginning ? 0 : try await log.endOffset(topic: topic, partition: partition))
        }
        var printed = 0
        while !Task.isCancelled {
            var found = false
            for partition in 0..<log.partitionCount {
                let limit = min(500, (maxEvents ?? .max) - printed)
                guard limit > 0 else { return }
                let events = try await log.read(topic: topic, partition: partition, from: next[partition], max: limit)
                for event in events {
                    output(Self.line(event))
                    next[partition] = event.offset + 1
                }
                printed += events.count
                found = found || !events.isEmpty
            }
            if let maxEvents, printed >= maxEvents { return }
            if !found { try await Task.sleep(for: pollInterval) }
        }
    }

    static func line(_ event: ConsumedEvent) -> String {
        var object: [String: Any] = [
            "topic": event.topic.rawValue, "partition": event.partition, "offset": event.offset, "key": event.key,
        ]
        if let decoded = try? JSONSerialization.jsonObject(with: Data(event.value), options: [.fragmentsAllowed]) {
            object["event"] = decoded
        } else {
            object["valueBase64"] = Data(event.value).base64EncodedString()
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
