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
        let left = trigrams(a)
        let right = trigrams(b)
        let union = left.union(right).count
        guard union > 0 else { return 0 }
        return Double(left.intersection(right).count) / Double(union)
    }
}
