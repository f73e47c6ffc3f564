import AcmeCore
import AcmeDatabase
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Personal API tokens, stored as SHA-256 hashes.
struct APITokenStore: Sendable {
    struct Token: Sendable {
        var info: APITokenInfo
        var accountId: String
        var revokedAt: Date?

        func isActive(at date: Date) -> Bool { revokedAt == nil && info.expiresAt > date }
    }

    func insert(_ info: APITokenInfo, accountId: String, hash: String, on db: any SQLDatabase) async throws {
        try await db.insert(into: "api_tokens")
            .columns("id", "account_id", "name", "scopes", "token_hash", "prefix", "created_at", "expires_at")
            .values(
                SQLBind(info.id), SQLBind(accountId), SQLBind(info.name), SQLBind(info.scopes.map(\.rawValue).joined(separator: " ")),
                SQLBind(hash), SQLBind(info.prefix), SQLBind(info.createdAt.millis), SQLBind(info.expiresAt.millis))
            .run()
    }

    func token(hash: String, on db: any SQLDatabase) async throws -> Token? {
        try await db.select().column("*").from("api_tokens").where("token_hash", .equal, hash).first().map(Self.token)
    }

    func token(id: String, accountId: String, on db: any SQLDatabase) async throws -> Token? {
        try await db.select().column("*").from("api_tokens").where("id", .equal, id).where("account_id", .equal, accountId)
            .first().map(Self.token)
    }

    func activeTokens(accountId: String, now: Date, page: PageRequest, on db: any SQLDatabase) async throws -> [APITokenInfo] {
        var query = db.select().column("*").from("api_tokens")
            .where("account_id", .equal, accountId).where("revoked_at", .is, SQLLiteral.null)
            .where("expires_at", .greaterThan, now.millis)
        if let after = page.after?.first { query = query.where("id", .greaterThan, after) }
        return try await query.orderBy("id").limit(page.limit + 1).all().map { try Self.token($0).info }
    }

    func countActive(accountId: String, now: Date, on db: any SQLDatabase) async throws -> Int {
        try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("api_tokens")
            .where("account_id", .equal, accountId).where("revoked_at", .is, SQLLiteral.null)
            .where("expires_at", .greaterThan, now.millis)
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func revoke(id: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.update("api_tokens").set("revoked_at", to: date.millis).where("id", .equal, id).run()
    }

    func touch(id: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.update("api_tokens").set("last_used_at", to: date.millis).where("id", .equal, id).run()
    }

    static func token(_ row: any SQLRow) throws -> Token {
        let scopes = try row.string("scopes").split(separator: " ").compactMap { Scope(rawValue: String($0)) }
        return Token(
            info: APITokenInfo(
                id: try row.string("id"), name: try row.string("name"), scopes: scopes, prefix: try row.string("prefix"),
                createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"),
                lastUsedAt: try row.optionalDate("last_used_at")),
            accountId: try row.string("account_id"), revokedAt: try row.optionalDate("revoked_at"))
    }
}
