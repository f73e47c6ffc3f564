import AcmeTestSupport
@testable import Search
import Testing

@Suite struct SnippetTests {
    /// The ASCII shortcut gives what the full normalization (NFKC, lowercase) gives, for ASCII and for the rest.
    @Test func wordsNormalizeLikeTheQueryParserDoes() {
        var random = SeededGenerator(seed: 7)
        let alphabet = Array("aZqM09_-éÉﬁÅ\u{301}ıİß😀Ωω".unicodeScalars)
        for _ in 0..<2_000 {
            let scalars = (0..<Int.random(in: 1...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            let word = String(String.UnicodeScalarView(scalars))
            #expect(Snippet.normalized(word.unicodeScalars[...]) == word.precomposedStringWithCompatibilityMapping.lowercased(), "\(word)")
        }
        #expect(Snippet.normalized("HeLLo"[...].unicodeScalars) == "hello")
    }

    /// The ASCII shortcut of the word splitter gives what the Unicode general categories give.
    @Test func asciiScalarsSplitWordsLikeTheirUnicodeCategories() {
        for value in UInt8(0)...UInt8(127) {
            let scalar = Unicode.Scalar(value)
            let category = scalar.properties.generalCategory
            let letter = [.uppercaseLetter, .lowercaseLetter, .decimalNumber].contains(category)
            #expect(SearchQuery.wordRole(of: scalar) == (letter ? .letter : .separator), "\(value)")
        }
    }

    /// The first look before normalizing never rules out a word that matches.
    @Test func theQuickLookNeverMissesAMatch() throws {
        var random = SeededGenerator(seed: 11)
        let alphabet = Array("abcEÉe\u{301}ﬁfiIıİß".unicodeScalars)
        func word() -> String {
            String(String.UnicodeScalarView((0..<Int.random(in: 1...5, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
        }
        for _ in 0..<500 {
            guard let query = try? SearchQuery.parse(word() + " " + word() + "*") else { continue }
            let snippet = Snippet(query)
            for _ in 0..<20 {
                let text = word()
                let scalars = text.unicodeScalars[...]
                if snippet.matches(Snippet.normalized(scalars)) { #expect(snippet.mayMatch(scalars), "\(text) for \(query)") }
            }
        }
    }

    /// The byte-wise splitter of ASCII texts gives the words the general one gives.
    @Test func asciiTextsSplitLikeAnyText() {
        var random = SeededGenerator(seed: 5)
        let alphabet = Array("aZq M09_-.,'\"\t\n()*:/\\@#~`^{|}".utf8)
        for _ in 0..<2_000 {
            let text = String(decoding: (0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet.randomElement(using: &random)! }, as: UTF8.self)
            #expect(SearchQuery.asciiWords(in: text) == SearchQuery.words(in: text.unicodeScalars), "\(text.debugDescription)")
        }
    }

    /// A text's pair tokens are the tokens of its adjacent words, as a query phrase would make them.
    @Test func pairTokensOfATextAreThoseOfItsAdjacentWords() {
        let words = SearchQuery.normalizedWords(in: "The end of THÉ line, and Naïve tests")
        #expect(CommonWordPairs.tokens(in: words) == ["_the_end", "_end_of", "_of_the", "_the_line", "_line_and", "_and_naive"])
        #expect(CommonWordPairs.tokens(in: words) == zip(words, words.dropFirst()).compactMap { CommonWordPairs.token($0, $1) })
        #expect(CommonWordPairs.tokens(in: ["alpha", "beta"]).isEmpty)
    }

    @Test func matchingWordsAreMarkedAndTheRestEscaped() throws {
        let snippet = Snippet(try SearchQuery.parse("quick conf*"))
        #expect(snippet.render("The QUICK <brown> fox & the Configured dog.")
            == "The <mark>QUICK</mark> &lt;brown&gt; fox &amp; the <mark>Configured</mark> dog.")
    }
}
