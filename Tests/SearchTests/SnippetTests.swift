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
            #expect(Snippet.normalized(Array(word.utf8)) == word.precomposedStringWithCompatibilityMapping.lowercased(), "\(word)")
        }
        #expect(Snippet.normalized(Array("HeLLo".utf8)) == "hello")
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
                let bytes = Array(word().utf8)
                if snippet.term(matching: Snippet.normalized(bytes)) != nil { #expect(snippet.mayMatch(bytes), "\(String(decoding: bytes, as: UTF8.self)) for \(query)") }
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

    /// The window is the first with the most of the query's terms, a prefix counting once however many words it
    /// matches; reading stops once a window holds every term, which gives what reading the whole text would (checked
    /// against a plain sliding window over all the words of random texts).
    @Test func theFirstWindowWithTheMostTermsWins() throws {
        let dense = "conf " + String(repeating: "x ", count: 30) + "configure configured config confirm"
        #expect(Snippet(try SearchQuery.parse("conf*")).render(dense)
            == "<mark>conf</mark> " + String(repeating: "x ", count: 22) + "x…")
        // A window that reaches the end of the text keeps the text's own ending.
        let exact = "alpha" + String(repeating: " x", count: Snippet.windowWords - 1)
        #expect(Snippet(try SearchQuery.parse("alpha")).render(exact + " .") == "<mark>alpha</mark>" + exact.dropFirst(5) + " .")

        var random = SeededGenerator(seed: 3)
        let vocabulary = ["alpha", "alpine", "beta", "gamma", "x", "y", "z", "zeta"]
        for _ in 0..<400 {
            let words = (0..<Int.random(in: 1...70, using: &random)).map { _ in vocabulary.randomElement(using: &random)! }
            let query = ["alpha", "al*", "alpha gamma", "gamma al* zeta", "beta z*", "nothing"].randomElement(using: &random)!
            let snippet = Snippet(try SearchQuery.parse(query))
            #expect(snippet.render(words.joined(separator: " ") + " .") == Self.slidingWindow(words, snippet), "\(query): \(words)")
        }
    }

    /// The snippet by a sliding window over every word (ASCII words, one space apart, then " .").
    private static func slidingWindow(_ words: [String], _ snippet: Snippet) -> String {
        let terms = words.map { snippet.term(matching: $0) }
        var first = 0, best = 0
        for start in words.indices {
            let distinct = Set(terms[start..<min(words.count, start + Snippet.windowWords)].compactMap { $0 }).count
            if terms[start] != nil, distinct > best { (first, best) = (start, distinct) }
        }
        first = first <= Snippet.contextWords + 2 ? 0 : first - Snippet.contextWords
        let last = min(words.count, first + Snippet.windowWords) - 1
        let shown = (first...last).map { terms[$0] == nil ? words[$0] : "<mark>\(words[$0])</mark>" }.joined(separator: " ")
        return (first > 0 ? "…" : "") + shown + (last < words.count - 1 ? "…" : " .")
    }

    @Test func matchingWordsAreMarkedAndTheRestEscaped() throws {
        let snippet = Snippet(try SearchQuery.parse("quick conf*"))
        #expect(snippet.render("The QUICK <brown> fox & the Configured dog.")
            == "The <mark>QUICK</mark> &lt;brown&gt; fox &amp; the <mark>Configured</mark> dog.")
    }

    /// Words are found in the text's UTF-8: marks and variation selectors stay in their word, other scalars separate,
    /// compatibility forms and case fold as the query's do; the window is cut with "…", and the rest escaped.
    @Test func marksWordsInAnyScriptAndEscapesTheRest() throws {
        let cases: [(query: String, text: String, html: String)] = [
            ("naïve café", "Ünïcode NAÏVE text: a café, ﬁle & \"quotes\" <tags> 'single' — テスト 😀 e\u{301}clair naive.",
             "Ünïcode <mark>NAÏVE</mark> text: a <mark>café</mark>, ﬁle &amp; &quot;quotes&quot; &lt;tags&gt; &#39;single&#39; — テスト 😀 e\u{301}clair <mark>naive</mark>."),
            ("file*", "Profile files: ﬁle FILE fileset, \u{FE0F}file\u{FE0F}s and f\u{301}ile; 𝔣ile 😀files end",
             "Profile <mark>files</mark>: <mark>ﬁle</mark> <mark>FILE</mark> <mark>fileset</mark>, \u{FE0F}<mark>file\u{FE0F}s</mark> and <mark>f\u{301}ile</mark>; <mark>𝔣ile</mark> 😀<mark>files</mark> end"),
            ("end", String(repeating: "lorem ipsum dolor ", count: 20) + "the END is near, end of story " + String(repeating: "sit amet ", count: 20),
             "…ipsum dolor lorem ipsum dolor the <mark>END</mark> is near, <mark>end</mark> of story sit amet sit amet sit amet sit amet sit amet sit amet…"),
            ("alpha beta", "Beta first, then words " + String(repeating: "x ", count: 30) + "alpha and beta together, alpha again.",
             "…x x x x x x <mark>alpha</mark> and <mark>beta</mark> together, <mark>alpha</mark> again."),
            ("ünï*", "ÜNÏCODE and ünïversal and unicode",
             "<mark>ÜNÏCODE</mark> and <mark>ünïversal</mark> and <mark>unicode</mark>"),
            ("x", "no match here at all <b>bold</b> & more",
             "no match here at all &lt;b&gt;bold&lt;/b&gt; &amp; more"),
            ("da", "ДА да Da dA déjà-vu da.",
             "ДА да <mark>Da</mark> <mark>dA</mark> déjà-vu <mark>da</mark>."),
        ]
        for (query, text, html) in cases {
            #expect(Snippet(try SearchQuery.parse(query)).render(text) == html, "\(query)")
        }
    }
}
