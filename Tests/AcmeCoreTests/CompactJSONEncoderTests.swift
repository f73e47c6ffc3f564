@testable import AcmeCore
import Foundation
import Testing

/// The compact encoder must write byte for byte what `JSONCoding.encoder()` writes.
@Suite struct CompactJSONEncoderTests {
    struct Inner: Codable, Equatable {
        var name: String
        var when: Date
        var flags: [Bool]
    }

    struct Sample: Codable {
        var zeta: String
        var alpha: Int64
        var Beta: UInt64
        var tags: [String]
        var note: String?
        var missing: Int?
        var inner: Inner
        var inners: [Inner]
        var counts: [String: Int]
        var byNumber: [Int: String]
        var maybe: [Int?]
        var ratio: Double
        var data: Data
        var empty: [String]
        var emptyObject: [String: String]
        var nested: [[Int]]
    }

    /// Written by hand, with nested containers and a super encoder.
    struct Custom: Encodable {
        enum Keys: String, CodingKey { case b, a, list, parent }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode("x")
            var inner = list.nestedContainer(keyedBy: Keys.self)
            try inner.encode(1, forKey: .b)
            try container.encode(true, forKey: .b)
            var parent = container.superEncoder(forKey: .parent).container(keyedBy: Keys.self)
            try parent.encode("p", forKey: .a)
            try container.encodeNil(forKey: .a)
        }
    }

    /// The same key written twice in one container, around others: the last value stays.
    struct Repeated: Encodable {
        enum Keys: String, CodingKey { case a, b, c }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("first", forKey: .b)
            try container.encode(1, forKey: .c)
            try container.encode("second", forKey: .b)
            try container.encode(2, forKey: .a)
            try container.encode("third", forKey: .b)
        }
    }

    func expectSame<T: Encodable>(_ value: T) throws {
        let expected = String(decoding: try JSONCoding.encoder().encode(value), as: UTF8.self)
        let actual = String(decoding: try CompactJSONEncoder.encode(value), as: UTF8.self)
        #expect(actual == expected)
    }

    @Test func writesWhatJSONEncoderWrites() throws {
        let when = Date(timeIntervalSince1970: 1_764_000_000.123)
        let inner = Inner(name: "in/ner", when: when, flags: [true, false])
        try expectSame(Sample(
            zeta: "z", alpha: .min, Beta: .max, tags: ["a", "b/c"], note: "n", missing: nil, inner: inner, inners: [inner, inner],
            counts: ["b": 2, "a": 1, "B": 3, "a10": 4, "a2": 5, "ä": 6], byNumber: [3: "x", 1: "y", 20: "z"], maybe: [1, nil, 3],
            ratio: 0.1, data: Data([0, 1, 254, 255]), empty: [], emptyObject: [:], nested: [[], [1, 2]]))
        try expectSame(Custom())
        try expectSame(Repeated())
        try expectSame([Repeated(), Repeated()])
        try expectSame(["top", "level"])
        try expectSame("fragment")
        try expectSame([1.0, 0.5, 1e-7, 3e15, -0.0])
    }

    @Test func escapesStringsLikeJSONEncoder() throws {
        var all = (0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) }.map(String.init).joined()
        all += "é😀\u{2028}\u{FEFF}\"\\/"
        try expectSame([all])
        let pieces: [UInt32] = [0x09, 0x0A, 0x22, 0x5C, 0x41, 0xE9, 0x1F600, 0x01, 0x7F]
        for round in 0..<200 {
            let text = String((0..<(round % 20)).map { index in
                Character(Unicode.Scalar(pieces[(round * 7 + index * 13) % pieces.count])!)
            })
            try expectSame(["k\(text)": text])
        }
    }
}
