import AcmeCore

/// An entry's text as PostgreSQL `tsvector` literals, to bind and cast with `::tsvector`: the words as the query
/// parser splits them, case- and diacritic-folded (as SQLite's tokenizer compares them), with their positions for
/// ranking and phrase checks (``words``); and every lexeme the index looks entries up by, without positions
/// (``indexed``): the words, the ``CommonWordPairs`` tokens, prefix lexemes (see ``prefixLengths``) and hashes of the
/// other adjacent pairs (see ``pairHash(_:_:)``), each marked for its entry's bucket (see ``bucketMarker``).
///
/// Built here rather than with `to_tsvector` so that the vector can hold the pair tokens (PostgreSQL's parser
/// splits `_of_the`), which make a phrase with a common word one short posting list instead of two of the longest,
/// rechecked row by row; and so that PostgreSQL only parses a literal rather than tokenizing the text.
///
/// PostgreSQL's limits are kept as `to_tsvector` keeps them: a word longer than ``maxLexemeBytes`` is left out,
/// positions stop at ``maxPosition`` and at ``maxPositions`` per word; and where `to_tsvector` would refuse a text
/// whose words and positions take more than 1 MiB, the vectors keep what fits in ``maxSize``.
struct TSVector: Sendable, Equatable {
    /// PostgreSQL's longest lexeme, less the bucket an indexed lexeme carries.
    static let maxLexemeBytes = 2_047 - bucketBytes
    static let maxPosition = 16_383
    static let maxPositions = 255
    /// PostgreSQL refuses a vector whose lexemes and positions take more than 1 MiB - 1 bytes (see ``Builder/size``).
    static let maxSize = 1_048_575 - 64
    /// Where ``PostgresSearchIndex`` writes the entry's bucket into each indexed lexeme (and ``TSQuery`` the bucket
    /// it looks in): `U+0001`, which no lexeme contains (words are letters and digits).
    static let bucketMarker = "\u{1}"
    /// Bytes counted against ``maxSize`` for each indexed lexeme's bucket (`<number>#`, up to 10^7 buckets).
    static let bucketBytes = 8
    /// Every word of at least 3 or 4 characters also gives the lexeme `<its first 3 or 4 characters>*`, without
    /// positions, which a ``TSQuery`` prefix of that length looks up exactly. A prefix query (`mus:*`) is otherwise
    /// a partial match, which scans every lexeme with the prefix, and the bucket-by-bucket search would repeat that
    /// scan per bucket (measured on 100k documents: 22–30 ms for a three-letter prefix's candidates). Ranking still
    /// matches the prefix against the words (``TSQuery/rankExpression``), so these lexemes need no positions, which
    /// keeps the vectors that every ranking reads smaller (with positions, prefixes of 2–4 characters made them
    /// twice as large). No word contains `*`.
    static let prefixLengths = 3...4

    /// The lexeme `~xyz` for two adjacent words that ``CommonWordPairs`` does not pair: 18 bits of a hash of the pair,
    /// without positions. A phrase of two uncommon words is otherwise found by rechecking the positions of every entry
    /// that has both words, and such words often occur in the same entries (measured on 100k documents: "property
    /// project" is in 54 entries, its two words together in 8,477, and the recheck took 80–110 ms). With the hash a
    /// recheck is needed only for entries with the pair, and a few whose other pairs share its hash. Pairs stay within
    /// the title or the body, as FTS5's phrases stay within a column. Part of the index format.
    static func pairHash(_ first: String, _ second: String) -> String {
        var hasher = FNV1a()  // of "first second"
        hasher.add(first)
        hasher.add(0x20)
        hasher.add(second)
        let hash = hasher.value
        let digit = { (shift: UInt32) in pairHashDigits[Int(hash >> shift & 63)] }
        return String(decoding: [0x7E, digit(0), digit(6), digit(12)], as: UTF8.self)
    }

    private static let pairHashDigits = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.".utf8)

    /// Every lexeme once, without positions, each `'<bucketMarker>lexeme'`: what the GIN index looks entries up by.
    let indexed: String
    /// The words alone with their positions (no pair tokens, prefix or pair-hash lexemes): the vector a search ranks
    /// by and checks phrases against, small enough to be stored in the row (see ``PostgresSearchIndex``).
    let words: String
    /// The distinct folded words of 3 to 32 characters, for `search_terms` (the typo-tolerant retry's word list).
    let terms: [String]

    init(title: String, body: String) {
        var builder = Builder()
        builder.add(SearchQuery.normalizedWords(in: title), weight: "A")
        builder.add(SearchQuery.normalizedWords(in: body), weight: "B")
        (indexed, words) = builder.literals
        terms = builder.order.filter { (3...32).contains($0.count) }
    }

    /// The lexeme a query word or stem is compared with.
    static func lexeme(_ word: String) -> String { Snippet.fold(word) }

    /// Builds both literals as UTF-8 bytes: indexing runs this for every entry it writes, and strings concatenated
    /// lexeme by lexeme and position by position made it about a tenth of a PostgreSQL create's server time.
    private struct Builder {
        /// Each word's entry in ``entries``, in the order words first came.
        var lexemes: [String: Int] = [:]
        var order: [String] = []
        /// Each word's positions as literal text (`3A,17A`), with how many and the last one.
        var entries: [(text: [UInt8], count: Int, last: Int)] = []
        /// Pair tokens, prefix and pair-hash lexemes, in order, without positions.
        var stripped: [String] = []
        var strippedSet: Set<String> = []
        /// What PostgreSQL counts against ``maxSize``: each lexeme's bytes rounded up to an even number, then
        /// 2 bytes for its count of positions and 2 per position; with ``bucketBytes`` more per lexeme, this bounds
        /// both vectors.
        var size = 0
        var position = 0

        mutating func add(_ words: [String], weight: Character) {
            let weight = weight.asciiValue!
            let folded = words.map(TSVector.lexeme)
            for (index, word) in folded.enumerated() { add(word, at: position + index + 1, weight: weight) }
            let pairs = CommonWordPairs.tokens(inFolded: folded)
            for (_, token) in pairs { addStripped(token) }
            let paired = Set(pairs.map(\.index))
            for index in folded.indices.dropLast() where !paired.contains(index) {
                addStripped(TSVector.pairHash(folded[index], folded[index + 1]))
            }
            for word in folded { addPrefixes(of: word) }
            position += folded.count
        }

        /// `<the word's first 3 characters>*` and `<its first 4>*`, as far as the word is long.
        private mutating func addPrefixes(of word: String) {
            let shortest = TSVector.prefixLengths.lowerBound
            let utf8 = word.utf8
            if utf8.allSatisfy({ $0 < 0x80 }) {
                // ASCII: a character is a byte.
                guard utf8.count >= shortest else { return }
                for length in TSVector.prefixLengths where length <= utf8.count {
                    addStripped(String(decoding: utf8.prefix(length), as: UTF8.self) + "*")
                }
                return
            }
            var prefix = Substring(word.prefix(shortest - 1))
            for character in word.dropFirst(prefix.count).prefix(TSVector.prefixLengths.count) {
                prefix.append(character)
                addStripped(String(prefix) + "*")
            }
        }

        private mutating func add(_ lexeme: String, at position: Int, weight: UInt8) {
            let position = min(position, TSVector.maxPosition)
            if let index = lexemes[lexeme] {
                guard entries[index].count < TSVector.maxPositions, entries[index].last < position, size + 2 <= TSVector.maxSize else { return }
                size += 2
                entries[index].text.append(UInt8(ascii: ","))
                Self.appendPosition(position, weight, to: &entries[index].text)
                entries[index].count += 1
                entries[index].last = position
                return
            }
            let bytes = lexeme.utf8.count
            let cost = (bytes + 1) / 2 * 2 + 4 + TSVector.bucketBytes
            guard bytes <= TSVector.maxLexemeBytes, size + cost <= TSVector.maxSize else { return }
            size += cost
            var text: [UInt8] = []
            Self.appendPosition(position, weight, to: &text)
            lexemes[lexeme] = entries.count
            entries.append((text, 1, position))
            order.append(lexeme)
        }

        private mutating func addStripped(_ lexeme: String) {
            let bytes = lexeme.utf8.count
            let cost = (bytes + 1) / 2 * 2 + TSVector.bucketBytes
            guard bytes <= TSVector.maxLexemeBytes, size + cost <= TSVector.maxSize, strippedSet.insert(lexeme).inserted else { return }
            size += cost
            stripped.append(lexeme)
        }

        /// `17A`.
        private static func appendPosition(_ position: Int, _ weight: UInt8, to text: inout [UInt8]) {
            text.append(contentsOf: String(position).utf8)
            text.append(weight)
        }

        /// The indexed vector and the words alone.
        var literals: (indexed: String, words: String) {
            var indexed: [UInt8] = [], words: [UInt8] = []
            indexed.reserveCapacity(size + 4 * (order.count + stripped.count))
            words.reserveCapacity(size + 4 * order.count)
            for (index, lexeme) in order.enumerated() {
                if index > 0 {
                    indexed.append(UInt8(ascii: " "))
                    words.append(UInt8(ascii: " "))
                }
                TSQuery.appendQuoted(lexeme, marker: TSVector.bucketMarker, to: &indexed)
                TSQuery.appendQuoted(lexeme, to: &words)
                words.append(UInt8(ascii: ":"))
                words.append(contentsOf: entries[index].text)
            }
            for lexeme in stripped {
                if !indexed.isEmpty { indexed.append(UInt8(ascii: " ")) }
                TSQuery.appendQuoted(lexeme, marker: TSVector.bucketMarker, to: &indexed)
            }
            return (String(decoding: indexed, as: UTF8.self), String(decoding: words, as: UTF8.self))
        }
    }
}
