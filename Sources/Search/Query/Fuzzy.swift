/// Helpers for the typo-tolerant fallback, used when an exact search finds nothing.
public enum Fuzzy {
    /// The words worth matching approximately: the non-excluded whole words and the words of non-excluded
    /// phrases, lowercased and normalized as parsed, without duplicates, in query order. Prefixes are left out
    /// (they already match loosely), and so are excluded terms.
    public static func words(in query: SearchQuery) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for term in query.positiveGroups.flatMap(\.terms) {
            switch term.kind {
            case .word, .phrase:
                for word in term.words where seen.insert(word).inserted { result.append(word) }
            case .prefix:
                continue
            }
        }
        return result
    }

    /// The optimal-string-alignment distance between two strings, counted in characters: the fewest
    /// insertions, deletions, substitutions and swaps of two adjacent characters turning one into the other
    /// (`"form"` → `"from"` is 1).
    ///
    /// With `maxDistance`, the computation stops as soon as the distance is known to exceed it and returns
    /// `maxDistance + 1`; compare the result with `<= maxDistance`. Cost O(m·n) at most, and O(1) when the
    /// lengths alone differ by more than `maxDistance`.
    public static func editDistance(_ a: String, _ b: String, maxDistance: Int = .max) -> Int {
        precondition(maxDistance >= 0, "maxDistance must not be negative")
        let over = maxDistance == .max ? Int.max : maxDistance + 1
        // `long` indexes the rows, `short` the columns.
        var long = Array(a)
        var short = Array(b)
        if long.count < short.count { swap(&long, &short) }
        if long.count - short.count > maxDistance { return over }
        if short.isEmpty { return min(long.count, over) }

        let width = short.count + 1
        var beforePrevious = [Int](repeating: 0, count: width)
        var previous = Array(0..<width)
        var current = [Int](repeating: 0, count: width)
        for row in 1...long.count {
            current[0] = row
            var rowMinimum = row
            for column in 1..<width {
                let substitution = long[row - 1] == short[column - 1] ? 0 : 1
                var value = min(previous[column] + 1, current[column - 1] + 1, previous[column - 1] + substitution)
                if row > 1, column > 1, long[row - 1] == short[column - 2], long[row - 2] == short[column - 1] {
                    value = min(value, beforePrevious[column - 2] + 1)
                }
                current[column] = value
                rowMinimum = min(rowMinimum, value)
            }
            // Every later cell is at least this row's (or the previous row's, plus one) minimum.
            if rowMinimum > maxDistance { return over }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return min(previous[short.count], over)
    }
}
