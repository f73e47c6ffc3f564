import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A bounded in-process cache whose entries expire.
///
/// Services put what they read often (credentials, profiles, memberships, project access) here. Their own
/// writes update or remove entries at once; `lifetime` bounds how long a change made by another instance
/// can go unseen. When full, expired entries go first, then everything.
///
/// Lookups are `@inlinable` so that each service's use is specialized: called generically across modules,
/// every lookup paid for runtime metadata look-ups of the entry and dictionary types.
public final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline var value: Value
        @usableFromInline var validUntil: Date

        @usableFromInline
        init(value: Value, validUntil: Date) {
            self.value = value
            self.validUntil = validUntil
        }
    }

    @usableFromInline let entries = Mutex<[Key: Entry]>([:])
    @usableFromInline let lifetime: TimeInterval
    @usableFromInline let capacity: Int

    public init(lifetime: TimeInterval, capacity: Int) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    @inlinable
    public func value(for key: Key, now: Date) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            if entry.validUntil > now { return entry.value }
            entries[key] = nil
            return nil
        }
    }

    /// Stores `value` until `now + lifetime` (or `expiresAt`, if earlier). `replaces` decides whether a
    /// live entry may be overwritten (e.g. only by a newer version).
    @inlinable
    public func store(
        _ value: Value, for key: Key, now: Date, expiresAt: Date? = nil, replaces: (Value) -> Bool = { _ in true }
    ) {
        let validUntil = min(expiresAt ?? .distantFuture, now.addingTimeInterval(lifetime))
        entries.withLock { entries in
            if let existing = entries[key], existing.validUntil > now, !replaces(existing.value) { return }
            if entries[key] == nil, entries.count >= capacity {
                entries = entries.filter { $0.value.validUntil > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = Entry(value: value, validUntil: validUntil)
        }
    }

    public func remove(_ key: Key) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    public func removeAll(where shouldRemove: (Key, Value) -> Bool) {
        entries.withLock { entries in
            entries = entries.filter { !shouldRemove($0.key, $0.value.value) }
        }
    }
}
