import Foundation

/// The passage of a text shown with a hit: the window of ``windowWords`` words with the most distinct query
/// words in it, HTML-escaped, each matching word wrapped in `<mark>…</mark>`, with `…` where text was cut.
///
/// Built here rather than by the engines (FTS5 `snippet()`, `ts_headline`) so both engines highlight
/// the same words the same way, split as the query parser splits them; `ts_headline` would also re-parse
/// every body with PostgreSQL's own tokenizer, which costs milliseconds per page.
public struct Snippet: Sendable {
    public static let windowWords = 24
    /// Words shown before the first match.
    static let contextWords = 6
    /// Only the start of a long text is scanned for matches.
    public static let scanLimit = 65_536

    let words: Set<String>
    let prefixes: [String]
    /// A first look at an ASCII word of the text, before it is normalized: the first letters and lengths a match
    /// can have (nil when a query word is not ASCII, which rules nothing out).
    private let firstLetters: Set<UInt8>?
    private let lengths: Set<Int>
    private let shortestPrefix: Int

    public init(_ query: SearchQuery) {
        var words: Set<String> = []
        var prefixes: [String] = []
        for term in query.positiveGroups.flatMap(\.terms) {
            switch term.kind {
            case .word(let word): words.insert(Self.fold(word))
            case .phrase(let phrase): words.formUnion(phrase.map(Self.fold))
            case .prefix(let stem): prefixes.append(Self.fold(stem))
            }
        }
        self.words = words
        self.prefixes = prefixes
        let all = Array(words) + prefixes
        firstLetters = all.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } } ? Set(all.compactMap(\.utf8.first)) : nil
        lengths = Set(words.map(\.utf8.count))
        shortestPrefix = prefixes.map(\.utf8.count).min() ?? .max
    }

    /// False for an ASCII word whose first letter or length no query word has; true for anything else.
    func mayMatch(_ word: Substring.UnicodeScalarView) -> Bool {
        guard let firstLetters, let first = word.first, first.isASCII else { return true }
        // Normalizing and folding keep an ASCII first letter (but for its case); the length only an all-ASCII word keeps.
        let letter = UInt8(truncatingIfNeeded: first.value)
        guard firstLetters.contains(SearchQuery.asciiWordByte(letter) ?? letter) else { return false }
        var count = 0
        for scalar in word {
            guard scalar.isASCII else { return true }
            count += 1
        }
        return lengths.contains(count) || count >= shortestPrefix
    }

    /// Whether a (normalized) word of the text matches a query word or prefix.
    func matches(_ word: String) -> Bool {
        let folded = Self.fold(word)
        return words.contains(folded) || prefixes.contains { folded.hasPrefix($0) }
    }

    public func render(_ text: String) -> String {
        let scalars = text.unicodeScalars
        // Word ranges in the text, and which of them match.
        var ranges: [Range<String.UnicodeScalarView.Index>] = []
        var matched: [Int] = []
        var matchedWords: [String] = []
        var start: String.UnicodeScalarView.Index?
        var index = scalars.startIndex
        var scanned = 0
        func flush(at end: String.UnicodeScalarView.Index) {
            guard let begin = start else { return }
            start = nil
            if mayMatch(scalars[begin..<end]) {
                let word = Self.normalized(scalars[begin..<end])
                if matches(word) {
                    matched.append(ranges.count)
                    matchedWords.append(Self.fold(word))
                }
            }
            ranges.append(begin..<end)
        }
        while index < scalars.endIndex, scanned < Self.scanLimit {
            switch SearchQuery.wordRole(of: scalars[index]) {
            case .letter: if start == nil { start = index }
            case .mark, .ignored: break
            case .separator: flush(at: index)
            }
            index = scalars.index(after: index)
            scanned += 1
        }
        flush(at: index)
        guard !ranges.isEmpty else { return "" }

        // The window with the most distinct matched words; the earliest such window wins.
        var first = 0
        var best = 0
        var counts: [String: Int] = [:]
        var low = 0
        for high in matched.indices {
            counts[matchedWords[high], default: 0] += 1
            while matched[high] - matched[low] >= Self.windowWords {
                counts[matchedWords[low], default: 1] -= 1
                if counts[matchedWords[low]] == 0 { counts[matchedWords[low]] = nil }
                low += 1
            }
            if counts.count > best {
                best = counts.count
                first = matched[low]
            }
        }
        // Some context before the first match; from the start when that is close anyway.
        first = first <= Self.contextWords + 2 ? 0 : first - Self.contextWords
        let last = min(ranges.count, first + Self.windowWords) - 1

        var html = first > 0 ? "…" : ""
        var cursor = ranges[first].lowerBound
        let marked = Set(matched)
        for wordIndex in first...last {
            let range = ranges[wordIndex]
            Self.escape(scalars[cursor..<range.lowerBound], into: &html)
            if marked.contains(wordIndex) {
                html += "<mark>"
                Self.escape(scalars[range], into: &html)
                html += "</mark>"
            } else {
                Self.escape(scalars[range], into: &html)
            }
            cursor = range.upperBound
        }
        if last < ranges.count - 1 || index < scalars.endIndex {
            html += "…"
        } else {
            Self.escape(scalars[cursor...], into: &html)  // the text's own ending, e.g. its final full stop
        }
        return html
    }

    /// A word of the text as the query parser normalizes words (NFKC, lowercase). Most words are ASCII, which
    /// NFKC leaves alone, and lowercasing them by hand is far cheaper than Foundation's normalization (that
    /// was most of a search's time on long bodies).
    static func normalized(_ word: Substring.UnicodeScalarView) -> String {
        guard word.allSatisfy(\.isASCII) else { return String(word).precomposedStringWithCompatibilityMapping.lowercased() }
        let count = word.count
        return String(unsafeUninitializedCapacity: count) { buffer in
            for (offset, scalar) in word.enumerated() {
                let byte = UInt8(truncatingIfNeeded: scalar.value)
                buffer[offset] = SearchQuery.asciiWordByte(byte) ?? byte
            }
            return count
        }
    }

    /// Case- and diacritic-insensitive form, as SQLite's `unicode61 remove_diacritics 2` tokenizer compares.
    static func fold(_ word: String) -> String {
        guard word.utf8.contains(where: { $0 >= 0x80 }) else { return word }
        return word.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    }

    static func escape(_ text: Substring.UnicodeScalarView, into html: inout String) {
        for scalar in text {
            switch scalar {
            case "&": html += "&amp;"
            case "<": html += "&lt;"
            case ">": html += "&gt;"
            case "\"": html += "&quot;"
            case "'": html += "&#39;"
            default: html.unicodeScalars.append(scalar)
            }
        }
    }
}
