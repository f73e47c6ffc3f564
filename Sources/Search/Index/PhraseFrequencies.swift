import Synchronization

/// How many entries of the text index match each phrase, remembered for a while: the document counts BM25's
/// inverse document frequency needs.
///
/// FTS5 keeps no per-word document counts, so a count reads the phrase's whole posting list; for a word in most
/// documents that is milliseconds, more than ranking the rows a search keeps. Counts change slowly and only
/// weigh phrases against each other, so one a few minutes old ranks as well; ``lifetime`` bounds how stale.
final class PhraseFrequencies: Sendable {
    static let lifetime = Duration.seconds(300)
    /// Bounds the memory: past it the cache starts over.
    static let capacity = 50_000

    private struct Count {
        var documents: Int64
        var counted: ContinuousClock.Instant
    }

    private let counts = Mutex<[String: Count]>([:])

    /// The document counts of `phrases`, in order; `count` counts a phrase not known or known too long.
    func documents(for phrases: [String], count: (String) async throws -> Int64) async throws -> [Int64] {
        let now = ContinuousClock.now
        var result: [Int64] = []
        for phrase in phrases {
            let known = counts.withLock { $0[phrase] }
            if let known, now - known.counted < Self.lifetime {
                result.append(known.documents)
                continue
            }
            let documents = try await count(phrase)
            counts.withLock { counts in
                if counts.count >= Self.capacity { counts.removeAll(keepingCapacity: true) }
                counts[phrase] = Count(documents: documents, counted: now)
            }
            result.append(documents)
        }
        return result
    }
}
