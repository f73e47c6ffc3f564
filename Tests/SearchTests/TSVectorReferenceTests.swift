import AcmeTestSupport
import Testing

@testable import Search

/// ``TSVector`` builds its literals byte by byte for speed; this plain string version of the same rules (the one it
/// replaced) is the oracle it must agree with on any text.
@Suite struct TSVectorReferenceTests {
    @Test func matchesThePlainStringBuilderOnRandomTexts() {
        var random = SeededGenerator(seed: 0x5EED)
        let vocabulary = [
            "the", "of", "and", "a", "to", "in", "is", "The", "OF", "project", "Property", "music", "mu", "x", "ab", "abc",
            "abcd", "abcde", "Café", "naïve", "Größe", "ÉCOLE", "東京", "日本語のテキスト", "straße", "ﬁle", "２０２６", "v2",
            "42", "it's", "back\\slash", "o'clock", "end.", "(note)", "e\u{301}tude", "🎉party", String(repeating: "long", count: 40),
        ]
        for _ in 0..<2_000 {
            func text(_ maxWords: Int) -> String {
                (0..<Int(random.next() % UInt64(maxWords + 1))).map { _ in vocabulary[Int(random.next() % UInt64(vocabulary.count))] }
                    .joined(separator: random.next() % 4 == 0 ? ", " : " ")
            }
            let title = text(6), body = text(60)
            let vector = TSVector(title: title, body: body)
            let expected = ReferenceBuilder.literals(title: title, body: body)
            #expect(vector.indexed == expected.indexed, "title: \(title) body: \(body)")
            #expect(vector.words == expected.words, "title: \(title) body: \(body)")
        }
    }
}

/// The string-concatenating builder ``TSVector`` had before it wrote bytes.
private struct ReferenceBuilder {
    var lexemes: [String: (text: String, count: Int, last: Int)] = [:]
    var order: [String] = []
    var stripped: [String] = []
    var strippedSet: Set<String> = []
    var size = 0
    var position = 0

    static func literals(title: String, body: String) -> (indexed: String, words: String) {
        var builder = ReferenceBuilder()
        builder.add(SearchQuery.normalizedWords(in: title), weight: "A")
        builder.add(SearchQuery.normalizedWords(in: body), weight: "B")
        var indexed: [String] = [], words: [String] = []
        for lexeme in builder.order {
            indexed.append(TSQuery.quoted(TSVector.bucketMarker + lexeme))
            words.append(TSQuery.quoted(lexeme) + ":" + builder.lexemes[lexeme]!.text)
        }
        indexed += builder.stripped.map { TSQuery.quoted(TSVector.bucketMarker + $0) }
        return (indexed.joined(separator: " "), words.joined(separator: " "))
    }

    mutating func add(_ words: [String], weight: Character) {
        let folded = words.map(TSVector.lexeme)
        for (index, word) in folded.enumerated() { add(word, at: position + index + 1, weight: weight) }
        let pairs = CommonWordPairs.tokens(inFolded: folded)
        for (_, token) in pairs { addStripped(token) }
        let paired = Set(pairs.map(\.index))
        for index in folded.indices.dropLast() where !paired.contains(index) {
            addStripped(TSVector.pairHash(folded[index], folded[index + 1]))
        }
        for word in folded {
            var prefix = Substring(word.prefix(TSVector.prefixLengths.lowerBound - 1))
            for character in word.dropFirst(prefix.count).prefix(TSVector.prefixLengths.count) {
                prefix.append(character)
                addStripped(String(prefix) + "*")
            }
        }
        position += folded.count
    }

    mutating func add(_ lexeme: String, at position: Int, weight: Character) {
        let position = min(position, TSVector.maxPosition)
        if var entry = lexemes[lexeme] {
            guard entry.count < TSVector.maxPositions, entry.last < position, size + 2 <= TSVector.maxSize else { return }
            size += 2
            entry.text += "," + String(position) + String(weight)
            entry.count += 1
            entry.last = position
            lexemes[lexeme] = entry
            return
        }
        let bytes = lexeme.utf8.count
        let cost = (bytes + 1) / 2 * 2 + 4 + TSVector.bucketBytes
        guard bytes <= TSVector.maxLexemeBytes, size + cost <= TSVector.maxSize else { return }
        size += cost
        lexemes[lexeme] = (String(position) + String(weight), 1, position)
        order.append(lexeme)
    }

    mutating func addStripped(_ lexeme: String) {
        let bytes = lexeme.utf8.count
        let cost = (bytes + 1) / 2 * 2 + TSVector.bucketBytes
        guard bytes <= TSVector.maxLexemeBytes, !strippedSet.contains(lexeme), size + cost <= TSVector.maxSize else { return }
        size += cost
        strippedSet.insert(lexeme)
        stripped.append(lexeme)
    }
}

