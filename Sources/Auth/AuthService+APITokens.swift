import AcmeCore
import AcmeEvents

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension AuthService {
    public struct NewAPIToken: StrictDecodable, Sendable {
        public var name: String
        public var scopes: [String]
        public var expiresInDays: Int?
        public enum CodingKeys: String, CodingKey { case name, scopes, expiresInDays }
    }

    static let tokenPrefix = "acme_pat_"
    static let defaultTokenDays = 90
    static let maxTokenDays = 365

    func createAPIToken(_ principal: Principal, _ input: NewAPIToken, request: RequestInfo) async throws -> CreatedAPIToken {
        _ = try principal.requireSession()
        var validator = Validator()
        let name = validator.text(input.name, "name", length: 1...100)
        validator.check(!input.scopes.isEmpty, "scopes", "must name at least one scope")
        for (index, scope) in input.scopes.enumerated() where Scope(rawValue: scope) == nil {
            validator.check(false, "scopes[\(index)]", "must be one of: \(Scope.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let days = input.expiresInDays ?? Self.defaultTokenDays
        validator.check((1...Self.maxTokenDays).contains(days), "expiresInDays", "must be from 1 to \(Self.maxTokenDays)")
        try validator.finish()
        let scopes = Array(Set(input.scopes.compactMap(Scope.init(rawValue:)))).sorted { $0.rawValue < $1.rawValue }

        let token = Self.tokenPrefix + SecureRandom.token()
        return try await outbox.transaction { db, events in
            guard try await apiTokens.countActive(accountId: principal.userId, now: events.now, on: db) < settings.maxAPITokensPerUser else {
                throw AcmeError.conflict("You have \(settings.maxAPITokensPerUser) active tokens; revoke one first.")
            }
            let info = APITokenInfo(
                id: AcmeID.make("tok", at: events.now), name: name, scopes: scopes, prefix: String(token.prefix(13)),
                createdAt: events.now, expiresAt: events.now.addingTimeInterval(Double(days) * 86_400), lastUsedAt: nil)
            try await apiTokens.insert(info, accountId: principal.userId, hash: SecureRandom.sha256Hex(token), on: db)
            try await events.emit(
                APITokenCreated(userId: principal.userId, tokenId: info.id, name: name, scopes: scopes), subject: info.id,
                subjectVersion: nil, orgId: nil, actor: principal.userId, userKey: principal.userId, request: request)
            return CreatedAPIToken(id: info.id, name: name, scopes: scopes, token: token, createdAt: info.createdAt, expiresAt: info.expiresAt)
        }
    }

    func listAPITokens(_ principal: Principal, page: PageRequest) async throws -> Page<APITokenInfo> {
        _ = try principal.requireSession()
        let now = clock.now()
        let rows = try await database.read { db in
            try await apiTokens.activeTokens(accountId: principal.userId, now: now, page: page, on: db)
        }
        return Page(rows: rows, limit: page.limit) { [$0.id] }
    }

    func revokeAPIToken(_ principal: Principal, id: String, request: RequestInfo) async throws {
        _ = try principal.requireSession()
        try await outbox.transaction { db, events in
            guard let token = try await apiTokens.token(id: id, accountId: principal.userId, on: db), token.isActive(at: events.now) else {
                throw AcmeError.notFound("No such token.")
            }
            try await apiTokens.revoke(id: id, at: events.now, on: db)
            try await events.emit(
                APITokenRevoked(userId: principal.userId, tokenId: id), subject: id, subjectVersion: nil, orgId: nil,
                actor: principal.userId, userKey: principal.userId, request: request)
        }
        cache.removeAll { _, principal in principal.credentialId == id }
    }
}
