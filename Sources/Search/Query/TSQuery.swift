/// A ``SearchQuery`` as input for PostgreSQL's `to_tsquery('simple', $1)`; bind ``expression`` as the
/// parameter (never interpolate it into SQL). It is not a `tsquery` literal to cast with `::tsquery`, because
/// `to_tsquery` is what runs each lexeme through the `simple` configuration's parser and dictionary.
///
/// Every lexeme is single-quoted (`'` and `\` inside are doubled), so no word can be read as an operator or a
/// weight/prefix label:
/// - word `'w'`, prefix `'w':*`, phrase `('a' <-> 'b' <-> 'c')`;
/// - an OR group `('a' | 'b':*)`, groups and exclusions joined with `&`;
/// - an exclusion `!'x'` or `!('a' <-> 'b')` (tsquery's `!` is unary, so no positive/negative split is needed).
///
/// Phrases and OR groups are parenthesized, so the text never depends on precedence (`!` > `<->` > `&` > `|`).
/// Note: PostgreSQL's parser keeps e-mail addresses, host names, paths and decimals (`3.14`) as single tokens,
/// so a phrase such as `('user' <-> 'example' <-> 'com')` only matches a tsvector built from
/// ``SearchQuery/normalizedWords(in:)`` (or from text split the same way).
public struct TSQuery: Sendable, Hashable {
    public let expression: String

    public init(_ query: SearchQuery) {
        let positive = query.positiveGroups.map { group in
            let alternatives = group.terms.map(Self.operand)
            return alternatives.count == 1
                ? alternatives[0] : "(" + alternatives.joined(separator: " | ") + ")"
        }
        let excluded = query.excludedTerms.map { "!" + Self.operand($0) }
        expression = (positive + excluded).joined(separator: " & ")
    }

    private static func operand(_ term: SearchQuery.Term) -> String {
        switch term.kind {
        case .word(let word): quoted(word)
        case .prefix(let stem): quoted(stem) + ":*"
        case .phrase(let words): "(" + words.map(quoted).joined(separator: " <-> ") + ")"
        }
    }

    /// A tsquery lexeme: `'` around, `'` and `\` inside doubled.
    static func quoted(_ text: String) -> String {
        var result = "'"
        for character in text {
            if character == "'" || character == "\\" { result.append(character) }
            result.append(character)
        }
        result.append("'")
        return result
    }
}
