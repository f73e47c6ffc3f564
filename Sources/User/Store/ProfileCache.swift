import AcmeCore
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Recently read profiles, so the hottest read of the API (`GET /v1/users/me`, and every service asking
/// for a user) skips the database.
///
/// This process's own writes update it at once; an entry never outlives `lifetime`, which bounds how long
/// another instance's change can go unseen. A write never loses to a slower read: entries only move
/// forward in version.
final class ProfileCache: Sendable {
    private struct Entry {
        var profile: UserProfile
        var validUntil: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: TimeInterval
    private let capacity: Int

    init(lifetime: TimeInterval = 10, capacity: Int = 50_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func profile(id: String, now: Date) -> UserProfile? {
        entries.withLock { entries in
            guard let entry = entries[id], entry.validUntil > now else { return nil }
            return entry.profile
        }
    }

    func store(_ profile: UserProfile, now: Date) {
        entries.withLock { entries in
            if let existing = entries[profile.id], existing.profile.version > profile.version, existing.validUntil > now { return }
            if entries.count >= capacity {
                entries = entries.filter { $0.value.validUntil > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[profile.id] = Entry(profile: profile, validUntil: now.addingTimeInterval(lifetime))
        }
    }

    func remove(id: String) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }
}
