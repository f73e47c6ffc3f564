// bench-events: the Swift side of `scripts/bench events` (built with `--traits Kafka`).
//
//   bench-events produce BROKERS TOPIC COUNT SIZE [avro]
//       publishes COUNT values of SIZE bytes through KafkaEventBus (several batches in flight, as relays of
//       several services would have) and prints `produce<TAB>messages/s`. With `avro`, the values are
//       project.archived envelopes on TOPIC (a platform topic), written as Avro container files.
//   bench-events latency BROKERS COUNT RATE
//       commits COUNT events into an outbox (one transaction each, RATE per second), lets OutboxRelay publish
//       them and EventConsumerService consume them (Avro on acme.projects.events, as the server does), and
//       prints `latency<TAB>p50 ms<TAB>p99 ms<TAB>max ms<TAB>count`: from just before each commit to its
//       handler call.
#if Kafka
import AcmeCore
import AcmeDatabase
import AcmeEvents
import AcmeKafka
import Foundation
import Logging
import Synchronization

struct ProjectArchived: DomainEvent {
    static let type = "project.archived"
    static let topic = Topic.projectsEvents
    var projectId: String
}

/// The latency run's event: on a topic the throughput runs leave empty, so a new consumer group (which starts
/// at the beginning) does not first read through their hundreds of thousands of events.
struct DocumentDeleted: DomainEvent {
    static let type = "document.deleted"
    static let topic = Topic.documentsEvents
    var projectId: String
    var documentId: String
    var title: String
    var tags: [String]
    var version: Int64
}

func projectEvent(_ index: Int) -> [UInt8] {
    let id = String(format: "%08d", index)
    return Array(#"{"actor":null,"id":"evt_\#(id)","occurredAt":"2026-11-25T18:00:00.000Z","orgId":"org_1","payload":{"projectId":"prj_\#(id)"},"subject":"prj_\#(id)","subjectVersion":1,"traceparent":null,"type":"project.archived"}"#.utf8)
}

func produce(_ bus: KafkaEventBus, topic: Topic, count: Int, size: Int, avro: Bool) async throws -> Double {
    let filler = [UInt8](repeating: UInt8(ascii: "x"), count: size)
    let events = (0..<count).map { index in
        OutgoingEvent(topic: topic, key: "key-\(index % 64)", value: avro ? projectEvent(index) : filler)
    }
    let batch = 5_000, inFlight = 4
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<inFlight {
            group.addTask {
                for first in stride(from: worker * batch, to: count, by: batch * inFlight) {
                    try await bus.publish(Array(events[first..<min(first + batch, count)]))
                }
            }
        }
        try await group.waitForAll()
    }
    let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds)
    return Double(count) / seconds
}

func latency(_ bus: KafkaEventBus, count: Int, rate: Int, logger: Logger) async throws -> [Double] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-events-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let database = try await SQLiteDatabasePool.open(name: "bench", path: "\(directory)/outbox.sqlite", durability: .normal, logger: logger)
    try await Migrator(database: database, migrations: [Outbox.migration], logger: logger).migrate()
    let outbox = Outbox(database: database)
    let run = "prj_" + UUID().uuidString.prefix(8).lowercased() + "_"
    let sent = Mutex<[String: ContinuousClock.Instant]>([:])
    let latencies = Mutex<[Double]>([])
    try await bus.createTopics([.documentsEvents], partitions: 3)
    let relay = Task { try await OutboxRelay(outbox: outbox, bus: bus, logger: logger).run() }
    let consumer = Task {
        try await EventConsumerService(bus: bus, group: "bench-\(run)", topics: [.documentsEvents], logger: logger) { event in
            let now = ContinuousClock.now
            let subject = try EventCodec.header(event.value).subject
            guard let start = sent.withLock({ $0.removeValue(forKey: subject) }) else { return }
            let elapsed = now - start
            latencies.withLock { $0.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15) }
        }.run()
    }
    // Wait until the consumer has joined: a warm-up event must come through.
    let warmUp = run + "warmup"
    sent.withLock { $0[warmUp] = .now }
    try await outbox.transaction { _, events in
        try await events.emit(DocumentDeleted(projectId: "prj_bench", documentId: warmUp, title: "", tags: [], version: 1), subject: warmUp, subjectVersion: 1, orgId: "org_0", actor: nil, request: .system, audit: false)
    }
    let joined = ContinuousClock.now + .seconds(60)
    while latencies.withLock({ $0.isEmpty }) {
        guard ContinuousClock.now < joined else { throw KafkaError.invalidEvent(topic: Topic.documentsEvents.rawValue, reason: "the warm-up event did not arrive within 60 s") }
        try await Task.sleep(for: .milliseconds(10))
    }
    latencies.withLock { $0.removeAll() }

    let interval = Duration.seconds(1) / rate
    var next = ContinuousClock.now
    for index in 0..<count {
        try await Task.sleep(until: next)
        next += interval
        let subject = run + String(index)
        sent.withLock { $0[subject] = .now }
        try await outbox.transaction { _, events in
            try await events.emit(DocumentDeleted(projectId: "prj_bench", documentId: subject, title: "", tags: [], version: 1), subject: subject, subjectVersion: 1, orgId: "org_\(index % 16)",
                                  actor: nil, request: .system, audit: false)
        }
    }
    let deadline = ContinuousClock.now + .seconds(30)
    while latencies.withLock({ $0.count }) < count && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
    consumer.cancel()
    relay.cancel()
    _ = await consumer.result
    _ = await relay.result
    try await database.close()
    return latencies.withLock { $0 }.sorted()
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

let arguments = CommandLine.arguments
var logger = Logger(label: "bench-events")
logger.logLevel = .warning
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: bench-events produce BROKERS TOPIC COUNT SIZE [avro] | latency BROKERS COUNT RATE\n".utf8))
    exit(2)
}
let bus = try KafkaEventBus(configuration: KafkaConfiguration(bootstrapServers: arguments[2], clientID: "bench-events"), logger: logger)
switch arguments[1] {
case "produce" where arguments.count >= 6:
    let rate = try await produce(bus, topic: Topic(arguments[3]), count: Int(arguments[4]) ?? 0, size: Int(arguments[5]) ?? 0,
                                 avro: arguments.count > 6 && arguments[6] == "avro")
    print("produce\t\(Int(rate))")
case "latency" where arguments.count >= 5:
    let sorted = try await latency(bus, count: Int(arguments[3]) ?? 0, rate: Int(arguments[4]) ?? 100, logger: logger)
    print("latency\t\(percentile(sorted, 0.5))\t\(percentile(sorted, 0.99))\t\(sorted.last ?? .nan)\t\(sorted.count)")
default:
    FileHandle.standardError.write(Data("unknown or incomplete command \(arguments.dropFirst())\n".utf8))
    exit(2)
}
await bus.close()
#else
import Foundation
FileHandle.standardError.write(Data("bench-events needs a build with --traits Kafka\n".utf8))
exit(1)
#endif
