/// Pairs of adjacent words where either is a common English word ("common grams"), which the SQLite index keeps as
/// tokens of their own (`_of_the`), so that a phrase such as "value the" is one short posting list instead of the
/// intersection of two of the longest, checked position by position (measured on 100k documents: 1.5 → 0.1 ms to
/// find the newest matches of "value the").
///
/// Pairing only around common words keeps the index growth moderate (measured: +70% FTS5 size, against +125% for
/// every pair); a phrase of two uncommon words is fast as it is. The list is part of the index format: a change
/// needs the index rebuilt. Words are compared case- and diacritic-folded, as FTS5's tokenizer compares them, so a
/// document's "Thé" pairs like the query's "the".
enum CommonWordPairs {
    /// A pair token starts with `_`, which no word (as the query parser splits words) contains, so pair tokens never
    /// match words or word prefixes.
    static func token(_ first: String, _ second: String) -> String? {
        tokens(in: [first, second]).first
    }

    /// The pair tokens of a text's words, in order (for the index's pair columns).
    static func tokens(in words: [String]) -> [String] {
        // Each word folded and looked up once, not once per pair it is in.
        tokens(inFolded: words.map(Snippet.fold)).map(\.token)
    }

    /// The pair tokens of words already folded with ``Snippet/fold(_:)``, each with the index of its first word.
    static func tokens(inFolded folded: [String]) -> [(index: Int, token: String)] {
        let isCommon = folded.map(common.contains)
        return folded.indices.dropLast().compactMap { i in
            isCommon[i] || isCommon[i + 1] ? (i, "_" + folded[i] + "_" + folded[i + 1]) : nil
        }
    }

    /// English function words (a classic stop-word list of information retrieval, 122 words).
    static let common: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be",
        "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
        "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he",
        "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
        "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once",
        "only", "or", "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than",
        "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to",
        "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who",
        "whom", "why", "will", "with", "would", "you", "your", "yours",
    ]
}
