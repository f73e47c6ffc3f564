#if Kafka
import AcmeEvents
@testable import AcmeKafka
import Foundation
import Logging
import Testing

/// The platform's topics on a broker that validates them against schemas/ (scripts/kafka.sh starts tansu
/// with `--schema-registry`), as production's registry would.
@Suite(.enabled(if: KafkaTestBroker.brokers != nil, "ACME_TEST_KAFKA_BROKERS is not set (scripts/test sets it)"), .serialized)
struct AvroOnTheWireTests {
    static let template = #"{"actor":"usr_1","id":"evt_ID","occurredAt":"2026-11-25T18:00:00.123Z","orgId":"org_1","payload":{"projectId":"prj_1"},"subject":"SUBJECT","subjectVersion":2,"traceparent":null,"type":"project.archived"}"#

    static func projectEvent(_ subject: String) -> [UInt8] {
        Array(template.replacingOccurrences(of: "SUBJECT", with: subject).replacingOccurrences(of: "ID", with: subject).utf8)
    }

    @Test func consumersGetTheJSONBackWhileTheBrokerHoldsAvroContainerFiles() async throws {
        try await withBus(wireFormat: try AvroWireFormat.platform()) { bus in
            try await bus.createTopics([.projectsEvents], partitions: 3)
            let subject = "prj_\(UUID().uuidString.prefix(8))"
            let group = "group-\(UUID().uuidString)"
            let consumer = try await bus.consumer(group: group, topics: [.projectsEvents])
            try await bus.publish([OutgoingEvent(topic: .projectsEvents, key: "org_1", value: Self.projectEvent(subject))])
            let received = try await collect(consumer, count: 1) { $0.value == Self.projectEvent(subject) }
            #expect(received.map(\.value) == [Self.projectEvent(subject)])
            await consumer.close()

            // What the broker stores: an Avro object container file.
            try await withBus(wireFormat: JSONWireFormat()) { raw in
                let reader = try await raw.reader(topic: .projectsEvents, fromBeginning: true)
                let stored = try await collect(reader, count: 1) { $0.key == "org_1" && $0.offset == received[0].offset && $0.partition == received[0].partition }
                await reader.close()
                #expect(Array(stored[0].value.prefix(4)) == [0x4F, 0x62, 0x6A, 0x01])
            }
        }
    }

    @Test func theBrokerRejectsAValueThatIsNotAnAvroContainerFileOfTheTopicsSchema() async throws {
        let userEvent = #"{"actor":null,"id":"evt_1","occurredAt":"2026-11-25T18:00:00.000Z","orgId":null,"payload":{"userId":"usr_1"},"subject":"usr_1","subjectVersion":1,"traceparent":null,"type":"user.deleted"}"#
        let otherSchema = try AvroWireFormat(schemas: [.projectsEvents: EventSchemas.byTopic[.usersEvents]!])
        let malformed: [(String, [UInt8])] = [
            ("bytes that are not Avro", Array("not avro".utf8)),
            ("the JSON envelope itself", Self.projectEvent("prj_raw")),
            ("a container file of another topic's schema", try otherSchema.encode(Array(userEvent.utf8), topic: .projectsEvents)),
        ]
        for (what, value) in malformed {
            // Values go out as they are, so the broker sees exactly these bytes. A bus each: after a rejected
            // record this broker fences the idempotent producer, so a second send could fail for that reason.
            try await withBus(wireFormat: JSONWireFormat()) { bus in
                try await bus.createTopics([.projectsEvents], partitions: 3)
                do {
                    try await bus.publish([OutgoingEvent(topic: .projectsEvents, key: "k", value: value)])
                    Issue.record("the broker accepted \(what)")
                } catch let error as KafkaError {
                    guard case .librdkafka(_, let code, _) = error else { throw error }
                    #expect(code == 87, "\(what): \(error)")  // INVALID_RECORD
                }
            }
        }
    }

    /// After a rejection the broker fences the producer (every later send fails with PRODUCER_FENCED); the
    /// bus replaces it, so the relay's retry of its batch goes through.
    @Test func aProducerFencedAfterARejectedRecordIsReplaced() async throws {
        try await withBus(wireFormat: JSONWireFormat()) { bus in
            try await bus.createTopics([.projectsEvents], partitions: 3)
            await #expect(throws: KafkaError.self) {
                try await bus.publish([OutgoingEvent(topic: .projectsEvents, key: "k", value: Array("not avro".utf8))])
            }
            let valid = try AvroWireFormat.platform().encode(Self.projectEvent("prj_after_fence"), topic: .projectsEvents)
            var attempts = 0
            while true {
                attempts += 1
                do {
                    try await bus.publish([OutgoingEvent(topic: .projectsEvents, key: "k", value: valid)])
                    break
                } catch {
                    try #require(attempts < 3, "still failing after \(attempts) attempts: \(error)")
                }
            }
        }
    }

    /// `events tail` reads outside any group: from the end it sees only newer events; from the beginning, all.
    @Test func aReaderOutsideAnyGroupStartsAtTheEndOrTheBeginning() async throws {
        try await withBus { bus in
            let topic = try await newTopic(bus, partitions: 3)
            // One record per produce request: tansu 0.6 reports a partition's end (ListOffsets, latest) as the last
            // batch's base offset + 1, so after a batch of several records a reader "from the end" would start
            // inside it (Kafka reports the offset after the last record).
            for index in 0..<5 { try await bus.publish([event(topic, key: "k\(index)", "old-\(index)")]) }
            let fromStart = try await bus.reader(topic: topic, fromBeginning: true)
            #expect(Set(texts(try await collect(fromStart, count: 5))) == Set((0..<5).map { "old-\($0)" }))
            let fromEnd = try await bus.reader(topic: topic, fromBeginning: false)
            try await bus.publish([event(topic, key: "k9", "new")])
            #expect(texts(try await collect(fromEnd, count: 1)) == ["new"])
            #expect(texts(try await collect(fromStart, count: 1)) == ["new"])
            try await fromEnd.commit([])
            await fromEnd.close()
            await fromStart.close()
        }
    }
}
#endif
