/// A ``SearchQuery`` as an SQLite FTS5 `MATCH` expression; bind ``expression`` as a parameter
/// (`… WHERE documents_fts MATCH ?`).
///
/// Every term is a double-quoted FTS5 string (a `"` inside is doubled), so no word can be read as an operator,
/// column filter or `NEAR`/`^` syntax, and the table's tokenizer splits it like the indexed text:
/// - word `"w"`, prefix `"w" *`, phrase `"a b c"`;
/// - an OR group `("a" OR "b" *)`, groups joined with `AND`;
/// - exclusions with FTS5's binary `NOT`: `(positive) NOT ("x" OR "y z")`; a parsed query always has a
///   positive part, so the left operand is never empty.
///
/// Every operand is parenthesized where precedence matters (FTS5: NOT > AND > OR), so the text never depends
/// on it. A term the tokenizer reduces to nothing (e.g. `""`) matches nothing; it is not a syntax error.
public struct FTS5Query: Sendable, Hashable {
    public let expression: String
    /// Each quoted operand on its own, in the order FTS5 numbers the expression's phrases.
    public let phrases: [String]

    public init(_ query: SearchQuery) {
        let groups = query.positiveGroups.map { $0.terms.map(Self.operand) }
        let positive = groups.map { alternatives in
            alternatives.count == 1
                ? alternatives[0] : "(" + alternatives.joined(separator: " OR ") + ")"
        }.joined(separator: " AND ")
        let excluded = query.excludedTerms.map(Self.operand)
        phrases = groups.flatMap { $0 } + excluded
        expression =
            excluded.isEmpty
            ? positive : "(" + positive + ") NOT (" + excluded.joined(separator: " OR ") + ")"
    }

    private static func operand(_ term: SearchQuery.Term) -> String {
        switch term.kind {
        case .word(let word): quoted(word)
        case .prefix(let stem): quoted(stem) + " *"
        case .phrase(let words): quoted(words.joined(separator: " "))
        }
    }

    /// An FTS5 string: `"` around, `"` inside doubled.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            if character == "\"" { result.append("\"") }
            result.append(character)
        }
        result.append("\"")
        return result
    }
}
