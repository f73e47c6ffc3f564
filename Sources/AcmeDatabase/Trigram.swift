/// Trigram similarity as PostgreSQL's pg_trgm computes it, so name search ranks the same on both backends.
///
/// Each word (a run of letters or digits, lowercased) is padded with two spaces in front and one behind,
/// and cut into three-character windows; similarity is the number of shared trigrams over the number of
/// distinct trigrams in either string (0…1). On SQLite it is installed as the SQL function
/// `similarity(a, b)`, the name pg_trgm gives it.
public enum Trigram {
    public static func trigrams(_ text: String) -> Set<String> {
        var result = Set<String>()
        for word in text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
            let padded = Array("  " + word + " ")
            for start in 0...(padded.count - 3) {
                result.insert(String(padded[start..<start + 3]))
            }
        }
        return result
    }

    public static func similarity(_ a: String, _ b: String) -> Double {
        jaccard(trigrams(a), trigrams(b))
    }

    /// How well `query` matches the best run of consecutive words in `text` (in the spirit of pg_trgm's
    /// `word_similarity`, which scores against a trigram extent rather than whole words): a short, misspelt
    /// query ("webiste") scores well against a long name ("Website relaunch") where whole-string similarity
    /// would not.
    public static func wordSimilarity(_ query: String, _ text: String) -> Double {
        let wanted = trigrams(query)
        guard !wanted.isEmpty else { return 0 }
        let words = text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
        let span = max(1, query.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).count)
        var best = 0.0
        for start in words.indices {
            for length in 1...min(span + 1, words.count - start) {
                best = max(best, jaccard(wanted, trigrams(words[start..<start + length].joined(separator: " "))))
            }
        }
        return best
    }

    /// The score name search ranks by: the better of whole-name and best-words similarity. Installed on
    /// SQLite as `name_match(name, query)`; on PostgreSQL the same function is defined in SQL over pg_trgm.
    public static func nameMatch(_ name: String, _ query: String) -> Double {
        max(similarity(name, query), wordSimilarity(query, name))
    }

    static func jaccard(_ left: Set<String>, _ right: Set<String>) -> Double {
        let union = left.union(right).count
        guard union > 0 else { return 0 }
        return Double(left.intersection(right).count) / Double(union)
    }
}
