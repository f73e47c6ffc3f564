import Testing
@testable import AcmeAvro

@Suite struct JSONValueTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue(parsing: #" {"a": [1, -0, 2.5, -1e3, 9223372036854775807, 9223372036854775808], "b": true, "c": null, "d": "x\u00e9\ud83d\ude00\n\/"} "#)
        #expect(value == .object([
            "a": .array([.int(1), .int(0), .double(2.5), .double(-1000), .int(Int64.max), .double(9_223_372_036_854_775_808)]),
            "b": .bool(true), "c": .null, "d": .string("xé😀\n/"),
        ]))
    }

    @Test func serializesCompactlyWithSortedKeys() throws {
        let value = JSONValue.object(["b": .array([.int(1), .double(0.5), .null]), "a": .string("q\"\\\u{01}/é"), "c": .bool(false)])
        #expect(value.serialized == #"{"a":"q\"\\\u0001/é","b":[1,0.5,null],"c":false}"#)
        #expect(try JSONValue(parsing: value.serialized) == value)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "+1", "tru", "nul", "\"abc", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"",
        "{\"a\" 1}", "{1:2}", "[1 2]", "1 2", "\"\u{01}\"", "{\"a\":1,\"a\":2}", "1e999", "NaN",
    ])
    func malformedJSONIsRejected(text: String) {
        #expect(throws: AvroError.self) { try JSONValue(parsing: text) }
    }

    @Test func invalidUTF8AndDeepNestingAreRejected() {
        #expect(throws: AvroError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
        #expect(throws: AvroError.self) { try JSONValue(parsing: String(repeating: "[", count: 300) + String(repeating: "]", count: 300)) }
        #expect(throws: Never.self) { try JSONValue(parsing: String(repeating: "[", count: 200) + String(repeating: "]", count: 200)) }
    }
}
