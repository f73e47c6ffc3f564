import Testing

@testable import Search

@Suite struct QueryCompilerTests {
    @Test(arguments: [
        ("hello", #""hello""#, "'hello'"),
        ("hello world", #""hello" AND "world""#, "'hello' & 'world'"),
        ("kube*", #""kube" *"#, "'kube*'"),
        ("kubernetes*", #""kubernetes" *"#, "'kubernetes':*"),
        (#""strict concurrency""#, #""strict concurrency""#, "'~zyj'"),
        ("a b OR c", #""a" AND ("b" OR "c")"#, "'a' & ('b' | 'c')"),
        (
            #"a b OR cd* -"d e" -f"#,
            #"("a" AND ("b" OR "cd" *)) NOT ("d e" OR "f")"#,
            "'a' & ('b' | 'cd':*) & !'f'"
        ),
        ("report -draft*", #"("report") NOT ("draft" *)"#, "'report' & !'draft':*"),
        ("NEAR(a b) NOT c AND d", #""near" AND "a" AND "b" AND "not" AND "c" AND "and" AND "d""#,
         "'near' & 'a' & 'b' & 'not' & 'c' & 'and' & 'd'"),
        ("col:x ^y", #""col x" AND "y""#, "'~xMm' & 'y'"),
        ("it's", #"{title_pairs body_pairs} : "_it_s""#, "'_it_s'"),
        (
            #""end of the Line""#,
            #"({title_pairs body_pairs} : "_end_of" AND {title_pairs body_pairs} : "_of_the" AND {title_pairs body_pairs} : "_the_line" AND "end of the line")"#,
            "('_end_of' & '_of_the' & '_the_line')"
        ),
    ])
    func compilesToBothEngines(input: String, fts5: String, tsquery: String) throws {
        let query = try SearchQuery.parse(input)
        #expect(FTS5Query(query).expression == fts5)
        // Every lexeme is marked for the bucket that PostgreSQL writes into it per lookup.
        let expression = TSQuery(query).expression
        #expect(expression.replacingOccurrences(of: TSVector.bucketMarker, with: "") == tsquery)
        #expect(expression.components(separatedBy: "'" + TSVector.bucketMarker).count - 1 == tsquery.filter { $0 == "'" }.count / 2)
        #expect(FTS5Syntax.error(in: fts5) == nil)
        #expect(TSQuerySyntax.error(in: expression.replacingOccurrences(of: TSVector.bucketMarker, with: "12#")) == nil)
    }

    /// PostgreSQL looks phrases up without phrase operators (so the GIN index needs no recheck of the stored vector)
    /// and checks them against the words; a phrase that one pair token stands for needs no check. Ranking weighs
    /// the words, each once.
    @Test(arguments: [
        ("hello world*", nil, "'hello' | 'world':*"),
        ("it's", nil, "'s'"),
        (#""strict concurrency""#, "('strict' <-> 'concurrency')", "'strict' | 'concurrency'"),
        (#"a -"d e""#, "'a' & !('d' <-> 'e')", "'a'"),
        (#"a -"of the""#, nil, "'a'"),
        (#"A a OR "end of the line""#, "'a' & ('a' | ('end' <-> 'of' <-> 'the' <-> 'line'))", "'end' | 'line'"),
        // Function words count only in a query of nothing else.
        (#""to the""#, nil, "'to' | 'the'"),
    ] as [(String, String?, String)])
    func checksPhrasesAgainstTheWords(input: String, check: String?, rank: String) throws {
        let query = TSQuery(try SearchQuery.parse(input))
        #expect(query.check == check)
        #expect(query.rankExpression == rank)
        #expect(!query.expression.contains("<->"))
        for expression in [query.expression, query.rankExpression] + (query.check.map { [$0] } ?? []) {
            #expect(TSQuerySyntax.error(in: expression) == nil)
        }
    }

    @Test func escapesQuotesAndBackslashes() {
        #expect(FTS5Query.quoted(#"a"b"#) == #""a""b""#)
        #expect(FTS5Query.quoted(#"a'b\"#) == #""a'b\""#)
        #expect(TSQuery.quoted(#"it's\"#) == #"'it''s\\'"#)
        #expect(TSQuery.quoted(#"a"b"#) == #"'a"b'"#)
        #expect(FTS5Syntax.error(in: FTS5Query.quoted(#"x" OR "y"#)) == nil)
        #expect(TSQuerySyntax.error(in: TSQuery.quoted(#"x' | 'y\"#)) == nil)
    }

    @Test func validatorsRejectBrokenExpressions() {
        for bad in [#""a"#, #""a" AND"#, #"("a""#, #""a" "b""#, "a", #""a" NOT"#, #""a" * *"#, #"() "#, #"{} : "a""#, #"{a "b""#] {
            #expect(FTS5Syntax.error(in: bad) != nil, "\(bad)")
        }
        for bad in ["'a", "'a' &", "('a'", "'a' 'b'", "a", "!", "'a':*:*", "''", #"'a\'"#, "'a' <> 'b'"] {
            #expect(TSQuerySyntax.error(in: bad) != nil, "\(bad)")
        }
    }
}
