import AcmeCore
import AcmeDatabase
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Sessions (refresh-token families) and their refresh tokens.
struct SessionStore: Sendable {
    struct Session: Sendable {
        var id: String
        var accountId: String
        var userAgent: String
        var ipAddress: String
        var createdAt: Date
        var lastUsedAt: Date
        var expiresAt: Date
        var revokedAt: Date?

        func isActive(at date: Date) -> Bool { revokedAt == nil && expiresAt > date }
    }

    struct RefreshToken: Sendable {
        var sessionId: String
        var usedAt: Date?
    }

    func insert(_ session: Session, on db: any SQLDatabase) async throws {
        try await db.insert(into: "sessions")
            .columns("id", "account_id", "user_agent", "ip_address", "created_at", "last_used_at", "expires_at")
            .values(
                SQLBind(session.id), SQLBind(session.accountId), SQLBind(session.userAgent), SQLBind(session.ipAddress),
                SQLBind(session.createdAt.millis), SQLBind(session.lastUsedAt.millis), SQLBind(session.expiresAt.millis))
            .run()
    }

    func session(id: String, on db: any SQLDatabase) async throws -> Session? {
        try await db.select().column("*").from("sessions").where("id", .equal, id).first().map(Self.session)
    }

    func activeSessions(accountId: String, now: Date, on db: any SQLDatabase) async throws -> [Session] {
        try await db.select().column("*").from("sessions")
            .where("account_id", .equal, accountId).where("revoked_at", .is, SQLLiteral.null)
            .where("expires_at", .greaterThan, now.millis)
            .orderBy("last_used_at", .descending).limit(200)
            .all().map(Self.session)
    }

    func touch(sessionId: String, at date: Date, expiresAt: Date, on db: any SQLDatabase) async throws {
        try await db.update("sessions").set("last_used_at", to: date.millis).set("expires_at", to: expiresAt.millis)
            .where("id", .equal, sessionId).run()
    }

    func revoke(sessionId: String, reason: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.update("sessions").set("revoked_at", to: date.millis).set("revoke_reason", to: reason)
            .where("id", .equal, sessionId).where("revoked_at", .is, SQLLiteral.null).run()
    }

    /// Revokes every session of the account not yet revoked, except `keep`; returns the ids revoked. One statement,
    /// however many sessions there are (a listing stops at 200; a revocation must not).
    func revokeAll(accountId: String, except keep: String?, reason: String, at date: Date, on db: any SQLDatabase) async throws -> [String] {
        var update = db.update("sessions").set("revoked_at", to: date.millis).set("revoke_reason", to: reason)
            .where("account_id", .equal, accountId).where("revoked_at", .is, SQLLiteral.null)
        if let keep { update = update.where("id", .notEqual, keep) }
        return try await update.returning("id").all().map { try $0.string("id") }
    }

    static func session(_ row: any SQLRow) throws -> Session {
        Session(
            id: try row.string("id"), accountId: try row.string("account_id"), userAgent: try row.string("user_agent"),
            ipAddress: try row.string("ip_address"), createdAt: try row.date("created_at"),
            lastUsedAt: try row.date("last_used_at"), expiresAt: try row.date("expires_at"),
            revokedAt: try row.optionalDate("revoked_at"))
    }

    // MARK: Refresh tokens

    func insertRefreshToken(hash: String, sessionId: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.insert(into: "refresh_tokens").columns("token_hash", "session_id", "created_at")
            .values(SQLBind(hash), SQLBind(sessionId), SQLBind(date.millis)).run()
    }

    /// The token, its row locked until the transaction ends: of two refreshes with the same token at once, the
    /// second waits and then finds it used (PostgreSQL; SQLite's single writer serializes them anyway).
    func refreshToken(hash: String, on db: any SQLDatabase) async throws -> RefreshToken? {
        try await db.select().columns("session_id", "used_at").from("refresh_tokens").where("token_hash", .equal, hash)
            .lockingClause(SQLLockingClause.update)
            .first().map { RefreshToken(sessionId: try $0.string("session_id"), usedAt: try $0.optionalDate("used_at")) }
    }

    func markUsed(refreshTokenHash hash: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.update("refresh_tokens").set("used_at", to: date.millis).where("token_hash", .equal, hash).run()
    }
}
