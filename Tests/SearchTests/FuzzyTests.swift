import AcmeTestSupport
import Synchronization
import Testing

@testable import Search

@Suite struct FuzzyTests {
    /// Looks up no more than ``SearchService/fuzzyWords`` words, however many the query has: each lookup reads
    /// many of the index's words.
    @Test func theRetryLooksUpAFewWordsOnly() async throws {
        let index = NeighborIndex()
        let query = try SearchQuery.parse("alpha bravo charlie delta echo foxtrot -golf hotel* in")
        let relaxed = try #require(try await SearchService.relaxed(query, in: index))
        #expect(index.asked == ["alpha", "bravo", "charlie", "delta"])
        #expect(relaxed.description == "(alpha OR alphax) (bravo OR bravox) (charlie OR charliex) (delta OR deltax) echo foxtrot -golf hotel* in")
    }

    /// Every word has one neighbour: itself with an "x"; records the words asked about.
    final class NeighborIndex: SearchIndex {
        private let words = Mutex<[String]>([])
        var asked: [String] { words.withLock { $0 } }

        func neighbors(of word: String, limit: Int) async throws -> [String] {
            words.withLock { $0.append(word) }
            return [word + "x"]
        }

        func apply(_ changes: [IndexChange]) async throws {}
        func search(_ query: IndexQuery) async throws -> IndexResult { fatalError("not searched") }
        func reset() async throws {}
    }

    @Test func collectsPositiveWholeWordsOnce() throws {
        let query = try SearchQuery.parse(#"kubernets "load balancer" pods* -helm a OR kubernets"#)
        #expect(Fuzzy.words(in: query) == ["kubernets", "load", "balancer", "a"])
    }

    @Test(arguments: [
        ("kitten", "sitting", 3),
        ("form", "from", 1),
        ("", "abc", 3),
        ("abc", "", 3),
        ("abc", "abc", 0),
        ("café", "cafe", 1),
        ("ca", "abc", 3),
        ("東京", "京東", 1),
    ])
    func computesTheDistance(a: String, b: String, distance: Int) {
        #expect(Fuzzy.editDistance(a, b) == distance)
        #expect(Fuzzy.editDistance(b, a) == distance)
    }

    @Test func stopsEarlyPastTheBound() {
        #expect(Fuzzy.editDistance("kitten", "sitting", maxDistance: 1) == 2)
        #expect(Fuzzy.editDistance("a", "abcdef", maxDistance: 2) == 3)
        #expect(Fuzzy.editDistance("kitten", "sitting", maxDistance: 3) == 3)
        #expect(Fuzzy.editDistance("abc", "xyz", maxDistance: 0) == 1)
        #expect(Fuzzy.editDistance("abc", "abc", maxDistance: 0) == 0)
    }

    @Test func boundedAgreesWithUnbounded() {
        var random = SeededGenerator(seed: 7)
        let alphabet = Array("abcab")
        func word() -> String {
            let length = Int.random(in: 0...8, using: &random)
            return String((0..<length).map { _ in alphabet.randomElement(using: &random)! })
        }
        for _ in 0..<2_000 {
            let (a, b) = (word(), word())
            let full = Fuzzy.editDistance(a, b)
            for bound in 0...4 {
                #expect(Fuzzy.editDistance(a, b, maxDistance: bound) == min(full, bound + 1), "\(a) \(b) \(bound)")
            }
        }
    }
}
