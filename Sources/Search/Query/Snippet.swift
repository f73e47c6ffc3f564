import Foundation

/// The passage of a text shown with a hit: the first window of ``windowWords`` words holding the most of the query's
/// terms (its words, and its prefixes, each counted once whatever words it matches), HTML-escaped, each matching word
/// wrapped in `<mark>…</mark>`, with `…` where text was cut. The text is read only until a window holds every term
/// and is full, since no later window can beat it: for a one-word or prefix query, until its first match.
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

    /// The query's words (folded) and prefixes, each the index of its term.
    let words: [String: Int]
    let prefixes: [(stem: String, term: Int)]
    /// A first look at an ASCII word of the text, before it is normalized: the first letters and lengths a match
    /// can have (nil when a query word is not ASCII, which rules nothing out).
    private let firstLetters: Set<UInt8>?
    private let lengths: Set<Int>
    private let shortestPrefix: Int

    public init(_ query: SearchQuery) {
        var words: [String: Int] = [:]
        var prefixes: [(stem: String, term: Int)] = []
        // A term repeated in the query is one term (else no window could ever hold "every" term).
        func add(word: String) {
            if words[word] == nil { words[word] = words.count + prefixes.count }
        }
        func add(prefix stem: String) {
            if !prefixes.contains(where: { $0.stem == stem }) { prefixes.append((stem, words.count + prefixes.count)) }
        }
        for term in query.positiveGroups.flatMap(\.terms) {
            switch term.kind {
            case .word(let word): add(word: Self.fold(word))
            case .phrase(let phrase): for word in phrase { add(word: Self.fold(word)) }
            case .prefix(let stem): add(prefix: Self.fold(stem))
            }
        }
        self.words = words
        self.prefixes = prefixes
        let all = Array(words.keys) + prefixes.map(\.stem)
        firstLetters = all.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } } ? Set(all.compactMap(\.utf8.first)) : nil
        lengths = Set(words.keys.map(\.utf8.count))
        shortestPrefix = prefixes.map(\.stem.utf8.count).min() ?? .max
    }

    /// False for an ASCII word (its UTF-8 bytes) whose first letter or length no query word has; true for anything else.
    func mayMatch(_ word: some Collection<UInt8>) -> Bool {
        guard let firstLetters, let first = word.first, first < 0x80 else { return true }
        // Normalizing and folding keep an ASCII first letter (but for its case); the length only an all-ASCII word keeps.
        guard firstLetters.contains(SearchQuery.asciiWordByte(first) ?? first) else { return false }
        guard word.allSatisfy({ $0 < 0x80 }) else { return true }
        return lengths.contains(word.count) || word.count >= shortestPrefix
    }

    /// The query term a (normalized) word of the text matches: a query word, else the first prefix it starts with.
    func term(matching word: String) -> Int? {
        let folded = Self.fold(word)
        return words[folded] ?? prefixes.first { folded.hasPrefix($0.stem) }?.term
    }

    /// How many terms the query has.
    var termCount: Int { words.count + prefixes.count }

    public func render(_ text: String) -> String {
        var text = text
        return text.withUTF8(render)
    }

    /// ``render(_:)`` over the text's UTF-8, which Swift strings hold contiguously: words are byte ranges, ASCII is
    /// classified by byte and only other scalars are decoded (a scalar view's indices and per-scalar appends took a
    /// third of a search's client time).
    private func render(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // Word ranges in the text; the indices of those that match, and their terms.
        var ranges: [Range<Int>] = []
        var matched: [Int] = []
        var matchedTerms: [Int] = []
        // The best window so far starts at the word `first` and holds `best` distinct terms; `inWindow` counts each
        // term's matches in the window that ends at the latest match, which starts at the match `low`.
        var first = 0
        var best = 0
        var inWindow = [Int](repeating: 0, count: termCount)
        var distinct = 0
        var low = 0
        var start: Int?
        func flush(at end: Int) {
            guard let begin = start else { return }
            start = nil
            let word = bytes[begin..<end]
            if mayMatch(word), let term = term(matching: Self.normalized(word)) {
                matched.append(ranges.count)
                if best < inWindow.count {
                    matchedTerms.append(term)
                    if inWindow[term] == 0 { distinct += 1 }
                    inWindow[term] += 1
                    while ranges.count - matched[low] >= Self.windowWords {
                        inWindow[matchedTerms[low]] -= 1
                        if inWindow[matchedTerms[low]] == 0 { distinct -= 1 }
                        low += 1
                    }
                    if distinct > best {
                        best = distinct
                        first = matched[low]
                    }
                }
            }
            ranges.append(begin..<end)
        }
        var index = 0
        var scanned = 0
        // Once a window holds every term, reading goes on only to fill it (and one word more, which says whether the
        // text goes on after it).
        while index < bytes.count, scanned < Self.scanLimit, best < inWindow.count || ranges.count <= first + Self.windowWords {
            let (scalar, width) = Self.scalar(in: bytes, at: index)
            switch SearchQuery.wordRole(of: scalar) {
            case .letter: if start == nil { start = index }
            case .mark, .ignored: break
            case .separator: flush(at: index)
            }
            index += width
            scanned += 1
        }
        flush(at: index)
        guard !ranges.isEmpty else { return "" }

        // Some context before the first match; from the start when that is close anyway.
        first = first <= Self.contextWords + 2 ? 0 : first - Self.contextWords
        let last = min(ranges.count, first + Self.windowWords) - 1

        var html: [UInt8] = []
        html.reserveCapacity(ranges[last].upperBound - ranges[first].lowerBound + 64)
        if first > 0 { html += Self.ellipsis }
        var cursor = ranges[first].lowerBound
        let marked = Set(matched)
        for wordIndex in first...last {
            let range = ranges[wordIndex]
            Self.escape(bytes[cursor..<range.lowerBound], into: &html)
            if marked.contains(wordIndex) {
                html += Self.markOpen
                Self.escape(bytes[range], into: &html)
                html += Self.markClose
            } else {
                Self.escape(bytes[range], into: &html)
            }
            cursor = range.upperBound
        }
        if last < ranges.count - 1 || index < bytes.count {
            html += Self.ellipsis
        } else {
            Self.escape(bytes[cursor...], into: &html)  // the text's own ending, e.g. its final full stop
        }
        return String(decoding: html, as: UTF8.self)
    }

    private static let ellipsis = Array("…".utf8), markOpen = Array("<mark>".utf8), markClose = Array("</mark>".utf8)

    /// The scalar that starts at `index` of valid UTF-8, and its length in bytes.
    private static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[index]
        guard lead >= 0x80 else { return (Unicode.Scalar(lead), 1) }
        let width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = UInt32(lead) & (0x7F >> width)
        for offset in 1..<width { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", width)
    }

    /// A word of the text (its UTF-8) as the query parser normalizes words (NFKC, lowercase). Most words are ASCII,
    /// which NFKC leaves alone, and lowercasing them by hand is far cheaper than Foundation's normalization (that
    /// was most of a search's time on long bodies).
    static func normalized(_ word: some Collection<UInt8>) -> String {
        guard word.allSatisfy({ $0 < 0x80 }) else {
            return String(decoding: word, as: UTF8.self).precomposedStringWithCompatibilityMapping.lowercased()
        }
        return String(unsafeUninitializedCapacity: word.count) { buffer in
            for (offset, byte) in word.enumerated() { buffer[offset] = SearchQuery.asciiWordByte(byte) ?? byte }
            return word.count
        }
    }

    /// Case- and diacritic-insensitive form, as SQLite's `unicode61 remove_diacritics 2` tokenizer compares.
    static func fold(_ word: String) -> String {
        guard word.utf8.contains(where: { $0 >= 0x80 }) else { return word }
        return word.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    }

    /// Appends UTF-8 text HTML-escaped (the five special characters are ASCII, so other bytes are copied as they are).
    static func escape(_ text: Slice<UnsafeBufferPointer<UInt8>>, into html: inout [UInt8]) {
        for byte in text {
            switch byte {
            case UInt8(ascii: "&"): html.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): html.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): html.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): html.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): html.append(contentsOf: "&#39;".utf8)
            default: html.append(byte)
            }
        }
    }
}
