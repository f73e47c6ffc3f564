import AcmeCore
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Recently verified credentials, so a client's repeated requests skip the signature check and the
/// session lookup.
///
/// Entries live at most `lifetime` (and never past the token's own expiry); revoking a session or token
/// in this process drops its entries at once, and other processes see the revocation when their entries
/// lapse.
final class CredentialCache: Sendable {
    private struct Entry {
        var principal: Principal
        var validUntil: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: TimeInterval
    private let capacity: Int

    init(lifetime: TimeInterval = 30, capacity: Int = 20_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func principal(for token: String, now: Date) -> Principal? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            if entry.validUntil > now { return entry.principal }
            entries[token] = nil
            return nil
        }
    }

    func store(_ principal: Principal, for token: String, expiresAt: Date, now: Date) {
        let validUntil = min(expiresAt, now.addingTimeInterval(lifetime))
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.validUntil > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[token] = Entry(principal: principal, validUntil: validUntil)
        }
    }

    /// Forgets every cached token of these sessions or API tokens.
    func revoke(credentialIds: some Sequence<String>) {
        let ids = Set(credentialIds)
        guard !ids.isEmpty else { return }
        entries.withLock { entries in
            entries = entries.filter { !ids.contains($0.value.principal.credentialId) }
        }
    }

    /// Forgets every cached token of the user.
    func revoke(userId: String) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.principal.userId != userId }
        }
    }
}
