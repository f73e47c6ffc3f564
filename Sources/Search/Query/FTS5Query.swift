/// A ``SearchQuery`` as an SQLite FTS5 `MATCH` expression; bind ``expression`` as a parameter
/// (`… WHERE documents_fts MATCH ?`).
///
/// Every term is a double-quoted FTS5 string (a `"` inside is doubled), so no word can be read as an operator,
/// column filter or `NEAR`/`^` syntax, and the table's tokenizer splits it like the indexed text:
/// - word `"w"`, prefix `"w" *`, phrase `"a b c"`; a phrase with common words goes through its ``CommonWordPairs``
///   tokens: `{title_pairs body_pairs} : "_of_the"` for two words, `({…} : "_end_of" AND "end of term")` for more;
/// - an OR group `("a" OR "b" *)`, groups joined with `AND`;
/// - exclusions with FTS5's binary `NOT`: `(positive) NOT ("x" OR "y z")`; a parsed query always has a
///   positive part, so the left operand is never empty.
///
/// Every operand is parenthesized where precedence matters (FTS5: NOT > AND > OR), so the text never depends
/// on it. A term the tokenizer reduces to nothing (e.g. `""`) matches nothing; it is not a syntax error.
public struct FTS5Query: Sendable, Hashable {
    public let expression: String
    /// Each phrase of the expression on its own (a valid expression), in the order FTS5 numbers them.
    public let phrases: [String]

    public init(_ query: SearchQuery) {
        let groups = query.positiveGroups.map { $0.terms.map(Self.operand) }
        let positive = groups.map { alternatives in
            alternatives.count == 1
                ? alternatives[0].text : "(" + alternatives.map(\.text).joined(separator: " OR ") + ")"
        }.joined(separator: " AND ")
        let excludedTerms = query.excludedTerms.map(Self.operand)
        let excluded = excludedTerms.map(\.text)
        phrases = (groups.flatMap { $0 } + excludedTerms).flatMap(\.phrases)
        expression =
            excluded.isEmpty
            ? positive : "(" + positive + ") NOT (" + excluded.joined(separator: " OR ") + ")"
    }

    /// A term's operand, and its phrases in order (each an expression of its own, for counting its documents).
    private static func operand(_ term: SearchQuery.Term) -> (text: String, phrases: [String]) {
        switch term.kind {
        case .word(let word): return single(quoted(word))
        case .prefix(let stem): return single(quoted(stem) + " *")
        case .phrase(let words):
            let phrase = quoted(words.joined(separator: " "))
            let pairs = CommonWordPairs.tokens(in: words).map { pairColumns + quoted($0) }
            // Two words with a common one are exactly their pair token; longer phrases are narrowed by their pairs
            // first, then checked word by word.
            if words.count == 2, let pair = pairs.first { return single(pair) }
            guard !pairs.isEmpty else { return single(phrase) }
            return ("(" + (pairs + [phrase]).joined(separator: " AND ") + ")", pairs + [phrase])
        }
    }

    private static func single(_ operand: String) -> (text: String, phrases: [String]) { (operand, [operand]) }

    /// The columns of ``CommonWordPairs`` tokens, as an FTS5 column filter.
    static let pairColumns = "{title_pairs body_pairs} : "

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
