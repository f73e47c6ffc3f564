import AcmeCore
import AcmeEvents

extension UserService {
    public struct ProfileChanges: StrictDecodable, Sendable {
        public var name: String?
        public var avatarUrl: String??
        public var timeZone: String??

        public enum CodingKeys: String, CodingKey { case name, avatarUrl, timeZone }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            // A name can be changed but not removed: null is a type error, not "leave alone".
            name = container.contains(.name) ? try container.decode(String.self, forKey: .name) : nil
            // Absent leaves the field alone; explicit null clears it.
            avatarUrl = container.contains(.avatarUrl) ? .some(try container.decodeIfPresent(String.self, forKey: .avatarUrl)) : nil
            timeZone = container.contains(.timeZone) ? .some(try container.decodeIfPresent(String.self, forKey: .timeZone)) : nil
        }
    }

    func me(_ principal: Principal) async throws -> UserProfile {
        try principal.require(.profileRead)
        guard let profile = try await user(id: principal.userId) else { throw AcmeError.unauthorized() }
        return profile
    }

    func updateMe(_ principal: Principal, _ changes: ProfileChanges, ifMatch: String?, request: RequestInfo) async throws -> UserProfile {
        try principal.require(.profileWrite)
        var validator = Validator()
        let name = changes.name.map { validator.text($0, "name", length: 1...100) }
        if case .some(.some(let url)) = changes.avatarUrl {
            validator.check(url.count <= 2048 && (url.hasPrefix("https://") || url.hasPrefix("http://")), "avatarUrl", "must be an http(s) URL of at most 2048 characters")
        }
        if case .some(.some(let zone)) = changes.timeZone {
            validator.check(TimeZone(identifier: zone) != nil, "timeZone", "must be an IANA time zone such as Europe/Paris")
        }
        try validator.finish()

        let updated = try await outbox.transaction { db, events in
            guard var profile = try await store.user(id: principal.userId, on: db) else { throw AcmeError.unauthorized() }
            try ETag.check(ifMatch, current: ETag.make(version: profile.version))
            let before = profile
            if let name { profile.name = name }
            if let avatarUrl = changes.avatarUrl { profile.avatarUrl = avatarUrl }
            if let timeZone = changes.timeZone { profile.timeZone = timeZone }
            if profile == before { return profile }  // nothing changed: no new version, no event
            profile.version += 1
            profile.updatedAt = events.now
            try await store.update(profile, on: db)
            try await events.emit(
                UserUpdated(userId: profile.id, email: profile.email, name: profile.name), subject: profile.id,
                subjectVersion: profile.version, orgId: nil, actor: principal.userId, request: request)
            return profile
        }
        profiles.store(updated, for: updated.id, now: clock.now()) { $0.version <= updated.version }
        return updated
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
