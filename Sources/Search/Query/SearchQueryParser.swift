import Foundation

/// The `q` syntax (see ``SearchQuery``):
///
/// - `word word` — all must match (implicit AND);
/// - `"a phrase"` — consecutive words; a missing closing quote is added at the end;
/// - `stem*` — words starting with `stem`; a `*` only marks a prefix at the end of a bare term whose stem
///   has at least ``SearchQuery/minPrefixLength`` characters (`a*` is the word `a`: one-letter prefixes are
///   the latency tail); inside quotes and elsewhere `*` is punctuation;
/// - `-word`, `-stem*`, `-"a phrase"` — exclude; `-` only counts at the start of a term;
/// - `a OR b` — either; `OR` must be uppercase and binds tighter than the implicit AND
///   (`a b OR c` = a AND (b OR c)); an `OR` with an excluded term, or with nothing, on either side is ignored;
/// - parentheses are ignored (treated like spaces), balanced or not; grouping comes from `OR` alone,
///   so `(a OR b) c` works and `(a b) OR c` reads as `a (b OR c)`;
/// - `AND`, `NOT`, `NEAR` and every other operator of the engines are ordinary words.
///
/// Text is NFKC-normalized and lowercased. Terms are runs of Unicode letters and digits (combining marks stay
/// with the letter before them); everything else — punctuation, symbols, emoji, controls — separates words.
/// A bare term that punctuation splits into several words (`e-mail`, `node.js`, `don't`) is searched as a
/// phrase, which matches how both engines tokenize the indexed text. Scripts without spaces (CJK) are not
/// segmented: a run of letters is one word.
///
/// Limits: `q` over ``SearchQuery/maxInputLength`` scalars is refused; after ``SearchQuery/maxTerms`` words
/// the rest of the query is ignored (a phrase is cut to fit); a bare word longer than
/// ``SearchQuery/maxTermLength`` characters (or ``SearchQuery/maxTermBytes`` bytes) is cut to that length and
/// searched as a prefix (so long identifiers still match), a longer word inside a phrase is just cut.
extension SearchQuery {
    public static func parse(_ text: String) throws(SearchQueryError) -> SearchQuery {
        guard text.unicodeScalars.count <= maxInputLength else {
            throw .tooLong(limit: maxInputLength)
        }
        let tokens = lex(text.precomposedStringWithCompatibilityMapping)
        let query = SearchQuery(clauses: group(terms(from: tokens)))
        guard !query.positiveGroups.isEmpty else { throw .noPositiveTerm }
        return query
    }

    /// The normalized words of a text, split exactly as query terms are (untruncated), for building an index
    /// that matches the queries, e.g. `to_tsvector('simple', words.joined(separator: " "))`.
    public static func normalizedWords(in text: String) -> [String] {
        text.utf8.allSatisfy { $0 < 0x80 } ? asciiWords(in: text) : words(in: text.precomposedStringWithCompatibilityMapping.unicodeScalars)
    }

    /// ``normalizedWords(in:)`` of an ASCII text, byte by byte: NFKC leaves ASCII alone, letters and digits make
    /// words and everything else separates them (see ``wordRole(of:)``). Indexing splits every text it stores, and
    /// this is several times faster than going through Unicode scalars and Foundation.
    static func asciiWords(in text: String) -> [String] {
        var words: [String] = []
        var word: [UInt8] = []
        for byte in text.utf8 {
            if let byte = asciiWordByte(byte) {
                word.append(byte)
            } else if !word.isEmpty {
                words.append(String(decoding: word, as: UTF8.self))
                word.removeAll(keepingCapacity: true)
            }
        }
        if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)) }
        return words
    }
}

// MARK: - Lexing

extension SearchQuery {
    private enum Token {
        case or
        /// Unquoted text between separators; may end in `*`.
        case bare([Unicode.Scalar], excluded: Bool)
        /// Text between double quotes.
        case quoted([Unicode.Scalar], excluded: Bool)
    }

    private enum Item {
        case or
        case term(Term)
    }

    private static func lex(_ text: String) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            if isSeparator(scalars[index]) {
                index += 1
                continue
            }
            var excluded = false
            if scalars[index] == "-" {
                excluded = true
                index += 1
            }
            if index < scalars.count, scalars[index] == "\"" {
                let start = index + 1
                index = start
                while index < scalars.count, scalars[index] != "\"" { index += 1 }
                tokens.append(.quoted(Array(scalars[start..<index]), excluded: excluded))
                index += 1  // past the closing quote, or past the end when it was missing
                continue
            }
            let start = index
            while index < scalars.count, !isSeparator(scalars[index]), scalars[index] != "\"" { index += 1 }
            let raw = scalars[start..<index]
            if !excluded, raw.elementsEqual("OR".unicodeScalars) {
                tokens.append(.or)
            } else {
                tokens.append(.bare(Array(raw), excluded: excluded))
            }
        }
        return tokens
    }

    /// Ends a bare token: whitespace, controls and parentheses.
    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "(" || scalar == ")" || scalar.properties.isWhitespace
            || scalar.properties.generalCategory == .control
    }

    // MARK: - Words and terms

    enum WordRole { case letter, mark, ignored, separator }

    /// How a scalar takes part in words: letters and digits make them, marks extend them, variation selectors
    /// are skipped, the rest separates.
    static func wordRole(of scalar: Unicode.Scalar) -> WordRole {
        // ASCII, most of any text, without the Unicode tables.
        if scalar.isASCII { return asciiWordByte(UInt8(truncatingIfNeeded: scalar.value)) == nil ? .separator : .letter }
        return switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber:
            .letter
        case .nonspacingMark, .spacingMark:
            scalar.properties.isVariationSelector ? .ignored : .mark
        default:
            .separator
        }
    }

    /// An ASCII byte as words hold it: a letter lowercased, a digit as it is; nil for a byte that separates words.
    static func asciiWordByte(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39, 0x61...0x7A: byte
        case 0x41...0x5A: byte + 0x20
        default: nil
        }
    }

    static func words(in scalars: some Sequence<Unicode.Scalar>) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            guard !current.isEmpty else { return }
            words.append(String(current).lowercased().precomposedStringWithCompatibilityMapping)
            current = String.UnicodeScalarView()
        }
        for scalar in scalars {
            switch wordRole(of: scalar) {
            case .letter: current.append(scalar)
            // A mark belongs to the letter before it; alone it is dropped.
            case .mark: if !current.isEmpty { current.append(scalar) }
            case .ignored: continue
            case .separator: flush()
            }
        }
        flush()
        return words
    }

    /// Turns tokens into terms, stopping once ``maxTerms`` words are used.
    private static func terms(from tokens: [Token]) -> [Item] {
        var items: [Item] = []
        var budget = maxTerms
        for token in tokens {
            guard budget > 0 else { break }
            let found: [String]
            let excluded: Bool
            var starred = false
            switch token {
            case .or:
                items.append(.or)
                continue
            case .quoted(let scalars, let isExcluded):
                found = words(in: scalars)
                excluded = isExcluded
            case .bare(var scalars, let isExcluded):
                while scalars.last == "*" {
                    scalars.removeLast()
                    starred = true
                }
                found = words(in: scalars)
                excluded = isExcluded
            }
            let kept = Array(found.prefix(budget))
            guard !kept.isEmpty else { continue }
            budget -= kept.count
            items.append(.term(term(kept, starred: starred, excluded: excluded)))
        }
        return items
    }

    private static func term(_ words: [String], starred: Bool, excluded: Bool) -> Term {
        guard words.count == 1 else {
            return Term(.phrase(words.map(cut)), excluded: excluded)
        }
        let word = words[0]
        let kept = cut(word)
        if kept != word {
            return Term(kept.count >= minPrefixLength ? .prefix(kept) : .word(kept), excluded: excluded)
        }
        if starred, word.count >= minPrefixLength {
            return Term(.prefix(word), excluded: excluded)
        }
        return Term(.word(word), excluded: excluded)
    }

    /// `word` cut to ``SearchQuery/maxTermLength`` characters, then to ``SearchQuery/maxTermBytes`` bytes at a
    /// scalar boundary.
    static func cut(_ word: String) -> String {
        let short = String(word.prefix(maxTermLength))
        guard short.utf8.count > maxTermBytes else { return short }
        var scalars = String.UnicodeScalarView()
        var bytes = 0
        for scalar in short.unicodeScalars {
            bytes += UTF8.width(scalar)
            guard bytes <= maxTermBytes else { break }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    // MARK: - OR groups

    /// `OR` joins the terms on both sides into one group, unless either is excluded or missing.
    private static func group(_ items: [Item]) -> [Group] {
        var groups: [[Term]] = []
        var joinNext = false
        for item in items {
            switch item {
            case .or:
                joinNext = true
            case .term(let term):
                if joinNext, !term.excluded, let last = groups.indices.last,
                    !groups[last].contains(where: \.excluded)
                {
                    groups[last].append(term)
                } else {
                    groups.append([term])
                }
                joinNext = false
            }
        }
        return groups.map(Group.init)
    }
}
