import AcmeCore
import AcmeEvents
import Logging

/// Consumes `account.created` (published by Auth) to make sure every account has a profile, even if the
/// synchronous provisioning call at signup failed. Provisioning is idempotent, so replays are harmless.
struct AccountCreatedConsumer: Sendable {
    static let group = "user.profiles"

    /// The consumer's view of the event: only the fields it reads.
    struct Payload: Codable, Sendable {
        var userId: String
        var email: String
        var name: String
    }

    let service: UserService

    func handle(_ event: ConsumedEvent) async throws {
        let header = try EventCodec.header(event.value)
        guard header.type == "account.created" else { return }
        let envelope = try EventCodec.decode(Payload.self, from: event.value)
        do {
            _ = try await service.provisionUser(
                id: envelope.payload.userId, email: envelope.payload.email, name: envelope.payload.name, request: .system)
        } catch AcmeError.gone {
            return  // deleted since: nothing to converge
        }
    }
}

extension UserService {
    /// The service's event consumers, to run beside the HTTP server.
    public func consumers(bus: any EventBus) -> [EventConsumerService] {
        let consumer = AccountCreatedConsumer(service: self)
        return [
            EventConsumerService(bus: bus, group: AccountCreatedConsumer.group, topics: [.usersEvents], logger: logger) { event in
                try await consumer.handle(event)
            }
        ]
    }
}
