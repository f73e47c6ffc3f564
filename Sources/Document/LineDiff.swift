/// Line-wise change counts between two texts, as a version's diff stats.
///
/// Lines are split at `\n` (a trailing newline ends the last line rather than starting an empty one). The
/// counts come from the shortest edit script (Myers' O((N+M)·D) algorithm, after trimming the common prefix
/// and suffix). Bodies are up to 1 MiB, so the search has a work budget: past it, the counts fall back to
/// comparing the texts as multisets of lines (which counts a moved line as unchanged).
enum LineDiff {
    struct Stats: Sendable, Equatable {
        var added: Int
        var removed: Int
    }

    /// Steps of the edit-script search before falling back: a few milliseconds of work.
    static let workBudget = 1_000_000
    static let maxEditDistance = 2048

    static func stats(from old: String, to new: String) -> Stats {
        if old == new { return Stats(added: 0, removed: 0) }
        let a = lineHashes(old)
        let b = lineHashes(new)

        var start = 0
        while start < a.count, start < b.count, a[start] == b[start] { start += 1 }
        var endA = a.count
        var endB = b.count
        while endA > start, endB > start, a[endA - 1] == b[endB - 1] {
            endA -= 1
            endB -= 1
        }
        let x = a[start..<endA]
        let y = b[start..<endB]
        if x.isEmpty || y.isEmpty { return Stats(added: y.count, removed: x.count) }
        if let distance = editDistance(Array(x), Array(y)) {
            // distance = removed + added, and both sides keep the same common subsequence.
            let common = (x.count + y.count - distance) / 2
            return Stats(added: y.count - common, removed: x.count - common)
        }
        return multisetStats(x, y)
    }

    /// The number of lines, as `stats(from: "", to: text).added` counts them.
    static func lineCount(_ text: String) -> Int {
        guard !text.isEmpty else { return 0 }
        let newlines = text.utf8.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        return text.utf8.last == UInt8(ascii: "\n") ? newlines : newlines + 1
    }

    /// A 64-bit FNV-1a hash of each line's bytes: equal lines, equal hashes, and comparisons of integers. A
    /// collision (about 2⁻⁶⁴ per pair of lines) could only make a changed line count as unchanged.
    static func lineHashes(_ text: String) -> [UInt64] {
        let basis: UInt64 = 0xcbf2_9ce4_8422_2325
        let prime: UInt64 = 0x0000_0100_0000_01b3
        var text = text
        return text.withUTF8 { bytes in
            var hashes: [UInt64] = []
            var hash = basis
            var open = false
            for byte in bytes {
                if byte == UInt8(ascii: "\n") {
                    hashes.append(hash)
                    hash = basis
                    open = false
                } else {
                    hash = (hash ^ UInt64(byte)) &* prime
                    open = true
                }
            }
            if open { hashes.append(hash) }
            return hashes
        }
    }

    /// The number of insertions plus deletions of the shortest edit script from `a` to `b`, or nil when
    /// finding it would exceed the work budget.
    static func editDistance(_ a: [UInt64], _ b: [UInt64]) -> Int? {
        let n = a.count
        let m = b.count
        // Each round d costs at least d steps, so the budget bounds d too (and the frontier's size).
        let maxD = min(n + m, maxEditDistance)
        let offset = maxD + 1
        // frontier[offset + k]: the furthest x reached on diagonal k = x - y.
        var frontier = [Int](repeating: 0, count: 2 * maxD + 3)
        var work = 0
        for d in 0...maxD {
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && frontier[offset + k - 1] < frontier[offset + k + 1]) {
                    x = frontier[offset + k + 1]  // down: insert b[y]
                } else {
                    x = frontier[offset + k - 1] + 1  // right: delete a[x]
                }
                let snakeStart = x
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                work += 1 + x - snakeStart
                frontier[offset + k] = x
                if x >= n, y >= m { return d }
            }
            if work > workBudget { return nil }
        }
        return nil
    }

    static func multisetStats(_ a: ArraySlice<UInt64>, _ b: ArraySlice<UInt64>) -> Stats {
        var balance: [UInt64: Int] = [:]
        for line in a { balance[line, default: 0] += 1 }
        for line in b { balance[line, default: 0] -= 1 }
        var stats = Stats(added: 0, removed: 0)
        for count in balance.values {
            if count > 0 { stats.removed += count } else { stats.added -= count }
        }
        return stats
    }
}
