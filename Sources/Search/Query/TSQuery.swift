/// A ``SearchQuery`` as PostgreSQL `tsquery` literals; bind them as parameters and cast them
/// (`… @@ $1::tsquery`, never interpolated into SQL). Their lexemes are folded the way ``TSVector`` folds the
/// indexed words, so no text search configuration runs on either side and both split text alike.
///
/// Every lexeme is single-quoted (`'` and `\` inside are doubled), so no word can be read as an operator or a
/// weight/prefix label. There are two forms:
/// - ``expression``, what the GIN index looks up, exactly (it holds no phrase operator, which would make PostgreSQL
///   recheck every candidate against its stored vector, read from TOAST): word `'w'`, prefix `'w':*` (or the
///   prefix lexeme `'w*'`, see ``TSVector/prefixLengths``), a phrase its ``CommonWordPairs`` tokens and the
///   hashes of its other adjacent pairs (``TSVector/pairHash(_:_:)``), with `&` (`'~h1'`, `('~h1' & '~h2')`,
///   `('_end_of' & '_of_the' & '_the_term')`); an excluded phrase is left to ``check`` unless a pair token is
///   exactly it. Every lexeme starts with ``TSVector/bucketMarker``, which the search replaces with the bucket it
///   looks in;
/// - ``check``, the query in words (`'a'`, `'w':*`, `('a' <-> 'b')`), which entries are tested against when it has
///   a phrase.
///
/// In both, an OR group is `('a' | 'b':*)`, groups and exclusions (`!'x'`) are joined with `&`, and phrases and
/// OR groups are parenthesized, so the text never depends on precedence (`!` > `<->` > `&` > `|`).
/// ``rankExpression`` is only what `ts_rank` weighs: the words and prefixes of the positive terms joined with `|`.
public struct TSQuery: Sendable, Hashable {
    /// What the index looks candidates up by: every match is a candidate, and without a phrase every candidate a match.
    /// Its lexemes are marked for the bucket (see ``TSVector/bucketMarker``).
    public let expression: String
    /// What `ts_rank` weighs: each word and prefix of the positive terms once, joined with `|` (`'a' | 'b' | 'w':*`),
    /// without ``CommonWordPairs/common`` words unless the query has nothing else.
    /// PostgreSQL ranks a query whose top operator is `&` or `<->` by the distances between the positions of every
    /// pair of its words, up to 255 × 255 per entry, which took 10 ms for 900 candidates that repeat both words
    /// ("pass gdb"); under `|` each word's weighted occurrences count once, with diminishing returns, as term
    /// frequency does in BM25. Every candidate already matches the query.
    public let rankExpression: String
    /// The query in words when it has a phrase that ``expression`` only narrows down to its candidates.
    public let check: String?

    public init(_ query: SearchQuery) {
        let positive = query.positiveGroups.flatMap(\.terms)
        expression = Self.expression(query, matching: true)
        check = (positive + query.excludedTerms).contains(where: Self.needsCheck) ? Self.expression(query, matching: false) : nil
        // Function words ("the", "to", with up to 255 positions in an entry) say little about relevance, as a low
        // IDF would, and cost most of the ranking; they count only in a query of nothing else.
        func word(_ word: String) -> (operand: String, common: Bool) {
            let lexeme = TSVector.lexeme(word)
            return (Self.quoted(lexeme), CommonWordPairs.common.contains(lexeme))
        }
        let words = positive.flatMap { term -> [(operand: String, common: Bool)] in
            switch term.kind {
            case .word(let text): [word(text)]
            case .prefix(let stem): [(Self.quoted(TSVector.lexeme(stem)) + ":*", false)]
            case .phrase(let texts): texts.map(word)
            }
        }
        let ranked = words.contains { !$0.common } ? words.filter { !$0.common } : words
        var seen: Set<String> = []
        rankExpression = ranked.map(\.operand).filter { seen.insert($0).inserted }.joined(separator: " | ")
    }

    private static func expression(_ query: SearchQuery, matching: Bool) -> String {
        let positive = query.positiveGroups.map { group in
            let alternatives = group.terms.map { operand($0, matching: matching) }
            return alternatives.count == 1
                ? alternatives[0] : "(" + alternatives.joined(separator: " | ") + ")"
        }
        let excluded = query.excludedTerms.filter { !matching || !needsCheck($0) }.map { "!" + operand($0, matching: matching) }
        return (positive + excluded).joined(separator: " & ")
    }

    /// A phrase that no single pair token stands for.
    private static func needsCheck(_ term: SearchQuery.Term) -> Bool {
        guard case .phrase(let words) = term.kind, words.count > 1 else { return false }
        return words.count > 2 || CommonWordPairs.tokens(inFolded: words.map(TSVector.lexeme)).isEmpty
    }

    private static func operand(_ term: SearchQuery.Term, matching: Bool) -> String {
        guard matching else {
            switch term.kind {
            case .word(let word): return quoted(TSVector.lexeme(word))
            case .prefix(let stem): return quoted(TSVector.lexeme(stem)) + ":*"
            case .phrase(let words): return "(" + words.map { quoted(TSVector.lexeme($0)) }.joined(separator: " <-> ") + ")"
            }
        }
        // What the index holds, each lexeme marked for the bucket.
        let marked = { (lexeme: String) in quoted(TSVector.bucketMarker + lexeme) }
        switch term.kind {
        case .word(let word): return marked(TSVector.lexeme(word))
        case .prefix(let stem):
            let folded = TSVector.lexeme(stem)
            return TSVector.prefixLengths.contains(folded.count) ? marked(folded + "*") : marked(folded) + ":*"
        case .phrase(let words):
            // As in FTS5Query: two words with a common one are exactly their pair token; other phrases are
            // narrowed by their pair tokens and the hashes of their other adjacent pairs, and `check` does the
            // rest. Every adjacent pair is one or the other, so the words themselves would only add posting
            // lists for the GIN index to walk in each bucket (a third of a two-word phrase's search).
            let folded = words.map(TSVector.lexeme)
            let pairs = CommonWordPairs.tokens(inFolded: folded)
            if words.count == 2, let pair = pairs.first { return marked(pair.token) }
            let paired = Set(pairs.map(\.index))
            let hashes = folded.indices.dropLast().filter { !paired.contains($0) }.map { TSVector.pairHash(folded[$0], folded[$0 + 1]) }
            let lexemes = (pairs.map(\.token) + hashes).map(marked)
            return lexemes.count == 1 ? lexemes[0] : "(" + lexemes.joined(separator: " & ") + ")"
        }
    }

    /// A tsquery lexeme: `'` around, `'` and `\` inside doubled.
    static func quoted(_ text: String) -> String {
        var literal: [UInt8] = []
        appendQuoted(text, to: &literal)
        return String(decoding: literal, as: UTF8.self)
    }

    /// ``quoted(_:)`` appended to a literal's UTF-8 bytes, with `marker` (not escaped) before the text: the vectors'
    /// literals are written this way (``TSVector``). Both characters escaped are ASCII, so byte by byte is exact.
    static func appendQuoted(_ text: String, marker: String = "", to literal: inout [UInt8]) {
        literal.append(UInt8(ascii: "'"))
        literal.append(contentsOf: marker.utf8)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\\") { literal.append(byte) }
            literal.append(byte)
        }
        literal.append(UInt8(ascii: "'"))
    }
}
