import AcmeTestSupport
import Foundation
import Testing

@testable import Search

@Suite struct SearchQueryFuzzTests {
    /// Fragments that exercise both engines' syntax, the parser's edge cases and Unicode oddities.
    static let alphabet: [String] = [
        "\"", "\"", "*", "*", "-", "-", "(", ")", "^", ":", " ", " ", " ", "\t", "\n", "\\", "\0",
        "'", "''", "|", "&", "!", "<->", ":*", "+", "{", "}", "[", "]", ",", ".", "/", "@", "#", "%", "_", "~",
        "`", ";",
        " NEAR ", "NEAR(", "NEAR/2", " AND ", " OR ", " NOT ", "OR", "or", "AND", "NOT", "col:", "\"\"", "-\"",
        "a", "b", "ab", "kube", "x", "42", "é", "e\u{301}", "\u{301}", "\u{FE0F}", "\u{200B}", "\u{200D}",
        "\u{202E}", "😀", "👨‍👩‍👧", "🇫🇷", "1️⃣", "東京", "東", "タワー", "ﬁ", "Ⅻ", "Ａ", "＂", "＊", "（",
        "ß", "İ", "ǅ", "Ω", "٣", "क्षि", "\u{FFFD}", "\u{E000}", "ﷺ", "\r\n",
    ]

    static func corpus(count: Int, seed: UInt64) -> [String] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let length = Int.random(in: 0...60, using: &random)
            var text = (0..<length).map { _ in alphabet.randomElement(using: &random)! }.joined()
            if Int.random(in: 0..<50, using: &random) == 0 {
                text += String(repeating: alphabet.randomElement(using: &random)!, count: 520)
            }
            return text
        }
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark:
            true
        default:
            false
        }
    }

    @Test func randomInputEitherParsesOrThrowsAndAlwaysCompilesToValidSyntax() throws {
        var parsedCount = 0
        for text in Self.corpus(count: 20_000, seed: 0x5EA2C4) {
            let query: SearchQuery
            do {
                query = try SearchQuery.parse(text)
            } catch {
                // Typed throws: `error` is a SearchQueryError; check it is the right one.
                let expected: SearchQueryError =
                    text.unicodeScalars.count > SearchQuery.maxInputLength
                    ? .tooLong(limit: SearchQuery.maxInputLength) : .noPositiveTerm
                #expect(error == expected, "\(text.debugDescription)")
                continue
            }
            parsedCount += 1
            #expect(text.unicodeScalars.count <= SearchQuery.maxInputLength)
            #expect(!query.positiveGroups.isEmpty)
            let terms = query.clauses.flatMap(\.terms)
            #expect(terms.flatMap(\.words).count <= SearchQuery.maxTerms)
            for group in query.clauses where group.isExcluded {
                #expect(group.terms.count == 1, "\(text.debugDescription)")
            }
            for term in terms {
                if case .phrase(let words) = term.kind { #expect(words.count >= 2) }
                if case .prefix(let stem) = term.kind { #expect(stem.count >= SearchQuery.minPrefixLength) }
                for word in term.words {
                    #expect(!word.isEmpty && word.count <= SearchQuery.maxTermLength && word.utf8.count <= SearchQuery.maxTermBytes)
                    #expect(word.unicodeScalars.allSatisfy(Self.isWordScalar), "\(word.debugDescription)")
                }
            }
            #expect(try SearchQuery.parse(query.description) == query, "\(text.debugDescription)")
            let fts5 = FTS5Query(query).expression
            let tsquery = TSQuery(query).expression
            #expect(FTS5Syntax.error(in: fts5) == nil, "\(text.debugDescription)")
            #expect(TSQuerySyntax.error(in: tsquery) == nil, "\(text.debugDescription)")
        }
        // The corpus must exercise the success path too, not only the errors.
        #expect(parsedCount > 10_000)
    }

    @Test(.enabled(if: PythonSQLite.isAvailable, "python3 with the sqlite3 module and FTS5 is not installed"))
    func compiledExpressionsRunOnARealFTS5Table() throws {
        var expressions = Self.corpus(count: 20_000, seed: 0x5EA2C4)
            .compactMap { try? SearchQuery.parse($0) }
            .map { FTS5Query($0).expression }
        expressions = Array(expressions.prefix(2_000))
        #expect(expressions.count == 2_000)
        let failures = try PythonSQLite.syntaxErrors(for: expressions)
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }
}

/// Runs FTS5 MATCH expressions through python3's sqlite3 in one subprocess.
enum PythonSQLite {
    static let isAvailable: Bool = {
        let probe = "import sqlite3; sqlite3.connect(':memory:').execute('CREATE VIRTUAL TABLE t USING fts5(x)')"
        return Shell.spawn(["python3", "-c", probe]) == 0
    }()

    static let script = """
        import json, sqlite3, sys
        expressions = json.load(sys.stdin)
        db = sqlite3.connect(":memory:")
        columns = "title, body, title_pairs, body_pairs"
        db.execute(f"CREATE VIRTUAL TABLE u USING fts5({columns}, tokenize=\\"unicode61 remove_diacritics 2 tokenchars '_'\\", prefix='2 3 4')")
        db.execute(f"CREATE VIRTUAL TABLE p USING fts5({columns}, tokenize='porter unicode61', prefix='2 3')")
        db.execute(f"CREATE VIRTUAL TABLE g USING fts5({columns}, tokenize='trigram')")
        rows = [("Set up e-mail", "Configure the e mail server near the kube cluster", "_set_up", "_configure_the _the_e _near_the _the_kube"),
                ("東京タワー", "café, cafe\\u0301 and naïve words; ab abc 42", "", "_cafe_and _and_naive"),
                ("NOT AND OR NEAR", "operators as words: near not and or", "_not_and _and_or _or_near", "_operators_as _as_words")]
        for table in ("u", "p", "g"):
            db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?)", rows)
        errors = []
        for expression in expressions:
            for table in ("u", "p", "g"):
                try:
                    db.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (expression,)).fetchall()
                except sqlite3.Error as error:
                    errors.append([table, expression, str(error)])
        json.dump(errors, sys.stdout)
        """

    static func syntaxErrors(for expressions: [String]) throws -> [[String]] {
        let directory = FileManager.default.temporaryDirectory
        let input = directory.appendingPathComponent("fts5-fuzz-\(UUID().uuidString).json")
        let output = directory.appendingPathComponent("fts5-fuzz-\(UUID().uuidString).out")
        try JSONEncoder().encode(expressions).write(to: input)
        defer { for file in [input, output] { try? FileManager.default.removeItem(at: file) } }
        let status = Shell.spawn(["python3", "-c", script], stdin: input.path, stdout: output.path)
        guard status == 0 else { throw SyntaxError(description: "python3 exited with \(status)") }
        return try JSONDecoder().decode([[String]].self, from: Data(contentsOf: output))
    }
}
