import Testing

@testable import Search

@Suite struct SearchQueryTests {
    /// The canonical form of the parsed query.
    private func parsed(_ text: String) throws -> String {
        try SearchQuery.parse(text).description
    }

    @Test(arguments: [
        ("hello world", "hello world"),
        ("Hello   WORLD\t\n", "hello world"),
        (#""exact phrase" here"#, #""exact phrase" here"#),
        ("kube*", "kube*"),
        ("ab**", "ab*"),
        (#"-draft report"#, "-draft report"),
        (#"report -"first draft""#, #"report -"first draft""#),
        ("-ab* x", "-ab* x"),
        ("--draft report", "-draft report"),
        (#"foo"bar baz""#, #"foo "bar baz""#),
        (#""single""#, "single"),
        (#""a*""#, "a"),
        ("*ab", "ab"),
        ("a or b", "a or b"),
        ("AND NOT NEAR a", "and not near a"),
        ("title:foo ^bar", #""title foo" bar"#),
        ("a\u{0}b", "a b"),
    ])
    func parsesTermsPhrasesPrefixesAndExclusions(input: String, expected: String) throws {
        #expect(try parsed(input) == expected)
    }

    @Test(arguments: [
        ("a b OR c", "a (b OR c)"),
        ("a OR b c", "(a OR b) c"),
        ("a OR b OR c d", "(a OR b OR c) d"),
        (#"x "a b" OR cd* -d"#, #"x ("a b" OR cd*) -d"#),
        ("(a OR b) c", "(a OR b) c"),
        ("(a b) OR c", "a (b OR c)"),
        ("a OR -b", "a -b"),
        ("-a OR b", "-a b"),
        ("OR a OR", "a"),
        ("a OR OR b", "(a OR b)"),
        ("a OR(b)", "(a OR b)"),
    ])
    func orBindsTighterThanTheImplicitAnd(input: String, expected: String) throws {
        #expect(try parsed(input) == expected)
    }

    @Test(arguments: [
        (#""unclosed phrase"#, #""unclosed phrase""#),
        (#"a "b c" "d"#, #"a "b c" d"#),
        (#"a " b"#, "a b"),
        ("((a) b", "a b"),
        ("a) (b", "a b"),
        ("(((", nil),
        (#"-""#, nil),
    ] as [(String, String?)])
    func unbalancedQuotesAndParenthesesAreNeverAnError(input: String, expected: String?) throws {
        if let expected {
            #expect(try parsed(input) == expected)
        } else {
            #expect(throws: SearchQueryError.noPositiveTerm) { try SearchQuery.parse(input) }
        }
    }

    @Test(arguments: [
        ("Café", "café"),
        ("Cafe\u{301}", "café"),
        ("ÅNGSTRÖM", "ångström"),
        ("東京タワー 検索", "東京タワー 検索"),
        ("東京*", "東京*"),
        ("東*", "東"),
        ("I ❤️ Swift 🚀", "i swift"),
        ("👨‍👩‍👧 family", "family"),
        ("1️⃣ one", "1 one"),
        ("ﬁle Ｓｗｉｆｔ ① １２３", "file swift 1 123"),
        ("＂a b＂ ＯＲ c", #"("a b" OR c)"#),
        ("e-mail", #""e mail""#),
        (#""e-mail setup""#, #""e mail setup""#),
        ("node.js", #""node js""#),
        ("\u{301}x", "x"),
    ])
    func normalizesUnicode(input: String, expected: String) throws {
        #expect(try parsed(input) == expected)
    }

    @Test func buildsTheDocumentedValue() throws {
        let query = try SearchQuery.parse(#"swift "strict concurrency" OR actor* -objc"#)
        #expect(
            query
                == SearchQuery(clauses: [
                    .init([.init(.word("swift"))]),
                    .init([.init(.phrase(["strict", "concurrency"])), .init(.prefix("actor"))]),
                    .init([.init(.word("objc"), excluded: true)]),
                ]))
        #expect(query.positiveGroups.count == 2)
        #expect(query.excludedTerms == [.init(.word("objc"), excluded: true)])
    }

    @Test func capsTheNumberOfWords() throws {
        let words = (1...40).map { "w\($0)" }
        #expect(try parsed(words.joined(separator: " ")) == words.prefix(32).joined(separator: " "))
        // A phrase that crosses the cap is cut to fit.
        let thirty = (1...30).map { "w\($0)" }.joined(separator: " ")
        #expect(try parsed(thirty + #" "x y z""#) == thirty + #" "x y""#)
        #expect(try parsed(thirty + #" v "x y z""#) == thirty + " v x")
    }

    @Test func cutsLongWordsToPrefixes() throws {
        let long = String(repeating: "a", count: 70)
        let cut = String(repeating: "a", count: 64)
        #expect(try parsed(long) == cut + "*")
        #expect(try parsed("x -" + long) == "x -" + cut + "*")
        #expect(try parsed(#""x "# + long + #"""#) == #""x "# + cut + #"""#)
        #expect(try parsed(String(repeating: "a", count: 64)) == cut)
        // Long in bytes though short in characters (each mark is 4 bytes): cut at 256 bytes.
        let marks = { (count: Int) in String(repeating: "\u{11002}", count: count) }
        #expect(try parsed("ab" + marks(300)) == "ab" + marks(63) + "*")
        #expect(try parsed("a" + marks(300)) == "a" + marks(63), "one character is too short for a prefix")
    }

    @Test func refusesQueriesOverTheLengthLimit() throws {
        #expect(throws: SearchQueryError.tooLong(limit: 512)) {
            try SearchQuery.parse(String(repeating: "a", count: 513))
        }
        // Counted in scalars: one character carrying 600 combining marks is too long too.
        #expect(throws: SearchQueryError.tooLong(limit: 512)) {
            try SearchQuery.parse("a" + String(repeating: "\u{301}", count: 600))
        }
        #expect(try parsed(String(repeating: "a", count: 512)) == String(repeating: "a", count: 64) + "*")
        #expect(SearchQueryError.tooLong(limit: 512).message == "the query must be at most 512 characters long")
    }

    @Test(arguments: ["", "   \t\n", "-a -b", #"-"x y""#, "😀 🚀", "OR", "()", #"""#, "- -", "* ** -", "\u{0}"])
    func refusesQueriesWithoutAPositiveTerm(input: String) {
        #expect(throws: SearchQueryError.noPositiveTerm) { try SearchQuery.parse(input) }
    }

    @Test func errorsCarryAClientMessage() {
        #expect(SearchQueryError.noPositiveTerm.message == "the query needs at least one term that is not excluded")
        #expect(SearchQueryError.noPositiveTerm.parameter == "q")
    }

    @Test func canonicalFormParsesBackToTheSameQuery() throws {
        for text in [#"a b OR cd* -"d e" -f"#, "東京 OR café", #"x "a b" OR y"#, "e-mail OR -x"] {
            let query = try SearchQuery.parse(text)
            #expect(try SearchQuery.parse(query.description) == query)
        }
    }

    @Test func normalizedWordsSplitTextLikeQueries() {
        #expect(SearchQuery.normalizedWords(in: "Send an E-Mail to ops@example.com 🚀") == [
            "send", "an", "e", "mail", "to", "ops", "example", "com",
        ])
    }
}
