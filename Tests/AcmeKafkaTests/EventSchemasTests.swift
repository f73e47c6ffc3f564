import AcmeAvro
import AcmeEvents
@testable import AcmeKafka
import Foundation
import Testing

/// The schemas compiled into AcmeKafka are the ones in schemas/, and the Avro wire format gives back the
/// JSON envelope byte for byte. No broker needed: these run in every pass of scripts/test.
@Suite struct EventSchemasTests {
    static let schemasDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("schemas")

    @Test func theCompiledInSchemasAreTheFilesInSchemasDirectory() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.schemasDirectory.path).filter { $0.hasSuffix(".avsc") }
        var onDisk: [Topic: String] = [:]
        for file in files {
            onDisk[Topic(String(file.dropLast(".avsc".count)))] = try String(contentsOf: Self.schemasDirectory.appendingPathComponent(file), encoding: .utf8)
        }
        #expect(onDisk.count >= 4)
        #expect(Set(EventSchemas.byTopic.keys) == Set(onDisk.keys), "run scripts/generate-event-schemas")
        for (topic, text) in onDisk {
            #expect(EventSchemas.byTopic[topic] == text, "\(topic): the compiled-in copy differs from schemas/; run scripts/generate-event-schemas")
        }
    }

    @Test func platformTopicsTravelAsSingleEventContainerFilesAndComeBackByteForByte() throws {
        let format = try AvroWireFormat.platform()
        #expect(format.topics == Set(EventSchemas.byTopic.keys))
        // As EventWriter writes it: sorted keys, explicit nulls in the envelope, none in the payload.
        let json = #"{"actor":null,"id":"evt_1","occurredAt":"2026-11-25T18:00:00.123Z","orgId":"org_1","payload":{"projectId":"prj_1/é \"q\""},"subject":"prj_1","subjectVersion":4,"traceparent":null,"type":"project.archived"}"#
        let wire = try format.encode(Array(json.utf8), topic: .projectsEvents)
        #expect(Array(wire.prefix(4)) == [0x4F, 0x62, 0x6A, 0x01], "not an Avro object container file")
        let reader = try AvroContainerReader(bytes: wire)
        #expect(try reader.values().count == 1)
        #expect(!String(decoding: reader.metadata["avro.schema"] ?? [], as: UTF8.self).contains("\"doc\""))
        #expect(try format.decode(wire, topic: .projectsEvents) == Array(json.utf8))
    }

    @Test func topicsWithoutASchemaCarryTheValueUnchanged() throws {
        let format = try AvroWireFormat.platform()
        let value = Array("anything at all".utf8)
        for topic in [Topic("acme.projects.events.dlq"), Topic("acme.test.x")] {
            #expect(try format.encode(value, topic: topic) == value)
            #expect(try format.decode(value, topic: topic) == value)
        }
    }

    @Test func anEventThatDoesNotFitItsSchemaIsRefusedBeforeItIsProduced() throws {
        let format = try AvroWireFormat.platform()
        let unknownType = #"{"actor":null,"id":"evt_1","occurredAt":"2026-11-25T18:00:00.000Z","orgId":null,"payload":{},"subject":"s","subjectVersion":null,"traceparent":null,"type":"project.exploded"}"#
        #expect(throws: KafkaError.self) { try format.encode(Array(unknownType.utf8), topic: .projectsEvents) }
        #expect(throws: KafkaError.self) { try format.encode(Array("not json".utf8), topic: .usersEvents) }
        #expect(throws: KafkaError.self) { try format.decode(Array("not avro".utf8), topic: .usersEvents) }
    }

    @Test func docsAreLeftOutOfTheHeaderButDefaultsAreKeptWhole() throws {
        let schema = try JSONValue(parsing: #"{"type":"record","name":"R","doc":"x","fields":[{"name":"m","type":{"type":"map","values":"string"},"doc":"y","default":{"doc":"kept"}}]}"#)
        let stripped = AvroTopicCodec.withoutDocs(schema)
        #expect(stripped == (try JSONValue(parsing: #"{"type":"record","name":"R","fields":[{"name":"m","type":{"type":"map","values":"string"},"default":{"doc":"kept"}}]}"#)))
    }
}
