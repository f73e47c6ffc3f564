import AcmeCore
import AcmeDatabase
import AcmeEvents

/// What the Project service takes from `acme.users.events`:
/// - profile events keep the `UserDirectory` read model (display names) up to date;
/// - a member leaving an org loses their project memberships there;
/// - a deleted org takes its projects with it.
struct UsersEventsConsumer: Sendable {
    static let group = "project.users-events"

    /// The consumer's view of the payloads: only the fields it reads.
    struct Payload: Codable, Sendable {
        var userId: String?
        var orgId: String?
        var email: String?
        var name: String?
    }

    let service: ProjectService
    let directory = UserDirectory()

    func handle(_ event: ConsumedEvent) async throws {
        let header = try EventCodec.header(event.value)
        switch header.type {
        case "user.created", "user.updated", "user.deleted":
            guard let version = header.subjectVersion else { return }
            let payload = try EventCodec.decode(Payload.self, from: event.value).payload
            guard let userId = payload.userId else { return }
            let deleted = header.type == "user.deleted"
            _ = try await service.database.transaction { db in
                try await directory.apply(
                    UserDirectory.Entry(
                        userId: userId, email: deleted ? nil : payload.email, name: deleted ? nil : payload.name,
                        version: version, deleted: deleted),
                    on: db)
            }
        case "org.member_removed":
            let payload = try EventCodec.decode(Payload.self, from: event.value).payload
            guard let orgId = payload.orgId, let userId = payload.userId else { return }
            try await service.orgMemberRemoved(orgId: orgId, userId: userId, actor: header.actor)
        case "org.deleted":
            guard let orgId = try EventCodec.decode(Payload.self, from: event.value).payload.orgId else { return }
            try await service.orgDeleted(orgId: orgId, actor: header.actor)
        default:
            return
        }
    }
}
