import Testing
@testable import AcmeAvro

/// Parsing Canonical Form and CRC-64-AVRO fingerprints; the expected values come from fastavro 1.13
/// (`to_parsing_canonical_form`, `fingerprint(…, "CRC-64-AVRO")`) and the Java implementation.
@Suite struct CanonicalFormTests {
    @Test(arguments: [
        (#""null""#, UInt64(7_195_948_357_588_979_594)),
        (#"{"type":"int"}"#, 8_247_732_601_305_521_295),
        (#""long""#, 0xD054_E144_93F4_1DB7),
        (#""string""#, 10_304_597_078_529_344_455),
    ])
    func primitiveFingerprintsMatchOtherImplementations(schema: String, fingerprint: UInt64) throws {
        #expect(try AvroSchema(parsing: schema).fingerprint == fingerprint)
    }

    @Test func fingerprintBytesAreLittleEndian() throws {
        #expect(AvroFingerprint.littleEndianBytes(try AvroSchema(parsing: #""int""#).fingerprint)
                == [0x8F, 0x5C, 0x39, 0x3F, 0x1A, 0xD5, 0x75, 0x72])
        #expect(AvroFingerprint.rabin([]) == 0xC15D_213A_A4D7_A795)
    }

    @Test func canonicalFormKeepsOnlyWhatReadingNeedsInTheSpecifiedOrder() throws {
        let schema = try AvroSchema(parsing: #"""
        {"type":"record","name":"r","namespace":"a.b","doc":"x","fields":[
          {"name":"f","type":{"type":"fixed","name":"md5","size":16},"default":"aaaaaaaaaaaaaaaa"},
          {"name":"g","type":["null",{"type":"enum","name":"E","symbols":["A","B"],"doc":"d"}]},
          {"name":"h","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"i","type":"E"}]}
        """#)
        let expected = #"{"name":"a.b.r","type":"record","fields":[{"name":"f","type":{"name":"a.b.md5","type":"fixed","size":16}},"#
            + #"{"name":"g","type":["null",{"name":"a.b.E","type":"enum","symbols":["A","B"]}]},{"name":"h","type":"long"},"#
            + #"{"name":"i","type":"a.b.E"}]}"#
        #expect(schema.canonicalForm == expected)
        #expect(try AvroSchema(parsing: #"{"type":"map","values":{"type":"array","items":"double"}}"#).fingerprint
                == 0xEC90_C32F_9015_6998)
    }

    @Test func equivalentSchemasShareAFingerprint() throws {
        let long = try AvroSchema(parsing: #"{"type":"record","name":"R","namespace":"x","doc":"1","fields":[{"name":"a","type":{"type":"int"},"default":1}]}"#)
        let short = try AvroSchema(parsing: #"{"type":"record","name":"x.R","fields":[{"name":"a","type":"int"}]}"#)
        #expect(long.fingerprint == short.fingerprint)
        #expect(long.fingerprint != (try AvroSchema(parsing: #"{"type":"record","name":"x.R","fields":[{"name":"a","type":"long"}]}"#)).fingerprint)
    }
}
