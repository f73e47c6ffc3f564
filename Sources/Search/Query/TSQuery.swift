/// A ``SearchQuery`` as a PostgreSQL `tsquery` literal; bind ``expression`` as a parameter and cast it
/// (`… @@ $1::tsquery`, never interpolated into SQL). Its lexemes are folded the way ``TSVector`` folds the
/// indexed words, so no text search configuration runs on either side and both split text alike.
///
/// Every lexeme is single-quoted (`'` and `\` inside are doubled), so no word can be read as an operator or a
/// weight/prefix label:
/// - word `'w'`, prefix `'w':*` (or the prefix lexeme `'w*'`, see ``TSVector/prefixLengths``), phrase
///   `('~h1' & ('a' <-> 'b'))` narrowed by the pair's hash (``TSVector/pairHash(_:_:)``); a phrase with common words
///   goes through its ``CommonWordPairs`` tokens: `'_of_the'` for two words, `('_end_of' & … & ('end' <-> 'of' <-> 'term'))`
///   for more;
/// - an OR group `('a' | 'b':*)`, groups and exclusions joined with `&`;
/// - an exclusion `!'x'` or `!('a' <-> 'b')` (tsquery's `!` is unary, so no positive/negative split is needed).
///
/// Phrases and OR groups are parenthesized, so the text never depends on precedence (`!` > `<->` > `&` > `|`).
public struct TSQuery: Sendable, Hashable {
    /// What a vector must match.
    public let expression: String
    /// What `ts_rank` weighs: the same without the lexemes that have no positions (``TSVector``'s prefix and pair
    /// hash lexemes), prefixes as partial matches of the words instead.
    public let rankExpression: String

    public init(_ query: SearchQuery) {
        expression = Self.expression(query, matching: true)
        rankExpression = Self.expression(query, matching: false)
    }

    private static func expression(_ query: SearchQuery, matching: Bool) -> String {
        let positive = query.positiveGroups.map { group in
            let alternatives = group.terms.map { operand($0, matching: matching) }
            return alternatives.count == 1
                ? alternatives[0] : "(" + alternatives.joined(separator: " | ") + ")"
        }
        let excluded = query.excludedTerms.map { "!" + operand($0, matching: matching) }
        return (positive + excluded).joined(separator: " & ")
    }

    private static func operand(_ term: SearchQuery.Term, matching: Bool) -> String {
        switch term.kind {
        case .word(let word): return quoted(TSVector.lexeme(word))
        case .prefix(let stem):
            let folded = TSVector.lexeme(stem)
            return matching && TSVector.prefixLengths.contains(folded.count) ? quoted(folded + "*") : quoted(folded) + ":*"
        case .phrase(let words):
            let folded = words.map(TSVector.lexeme)
            let phrase = "(" + folded.map(quoted).joined(separator: " <-> ") + ")"
            let pairs = CommonWordPairs.tokens(inFolded: folded)
            // As in FTS5Query: two words with a common one are exactly their pair token; longer phrases are
            // narrowed by their pairs (and, for matching, the hashes of the other adjacent pairs), then checked
            // position by position.
            if words.count == 2, let pair = pairs.first { return quoted(pair.token) }
            let paired = Set(pairs.map(\.index))
            let hashes = matching
                ? folded.indices.dropLast().filter { !paired.contains($0) }.map { quoted(TSVector.pairHash(folded[$0], folded[$0 + 1])) }
                : []
            let narrowing = pairs.map { quoted($0.token) } + hashes
            return narrowing.isEmpty ? phrase : "(" + (narrowing + [phrase]).joined(separator: " & ") + ")"
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
