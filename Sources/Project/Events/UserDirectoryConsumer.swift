import AcmeCore
import AcmeDatabase
import AcmeEvents

/// Keeps `UserDirectory` up to date from `user.created`, `user.updated` and `user.deleted`.
struct UserDirectoryConsumer: Sendable {
    static let group = "project.user-directory"

    /// The consumer's view of the profile events: only the fields it reads.
    struct Profile: Codable, Sendable {
        var userId: String
        var email: String?
        var name: String?
    }

    let database: any Database
    let directory = UserDirectory()

    func handle(_ event: ConsumedEvent) async throws {
        let header = try EventCodec.header(event.value)
        guard ["user.created", "user.updated", "user.deleted"].contains(header.type), let version = header.subjectVersion else { return }
        let profile = try EventCodec.decode(Profile.self, from: event.value).payload
        let deleted = header.type == "user.deleted"
        try await database.transaction { db in
            try await directory.apply(
                UserDirectory.Entry(
                    userId: profile.userId, email: deleted ? nil : profile.email, name: deleted ? nil : profile.name,
                    version: version, deleted: deleted),
                on: db)
        }
    }
}
