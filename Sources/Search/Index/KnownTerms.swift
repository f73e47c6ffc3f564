import Synchronization

/// A bounded set of words known to be stored, so that writers send only the others. Forgetting is always safe (a
/// forgotten word is sent again and the database ignores it), so when the set is full it starts over.
final class KnownTerms: Sendable {
    static let capacity = 500_000
    private let words = Mutex(Set<String>())

    /// The distinct words of `terms` not known yet.
    func unknown(among terms: [String]) -> [String] {
        words.withLock { known in
            var seen = Set<String>()
            return terms.filter { !known.contains($0) && seen.insert($0).inserted }
        }
    }

    func insert(_ terms: [String]) {
        guard !terms.isEmpty else { return }
        words.withLock { known in
            if known.count + terms.count > Self.capacity { known.removeAll() }
            known.formUnion(terms)
        }
    }

    func removeAll() {
        words.withLock { $0.removeAll() }
    }
}
