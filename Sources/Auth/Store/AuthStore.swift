import AcmeCore
import AcmeDatabase
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Accounts and MFA state. Secrets are stored only as hashes, except the TOTP secret, which the server
/// needs back to compute codes: it is stored sealed by the `SecretBox`.
struct AuthStore: Sendable {
    let secrets: SecretBox

    struct Account: Sendable {
        var id: String
        var email: String
        var passwordHash: String
        var totpSecret: String?
        var totpPendingSecret: String?
        var totpLastStep: Int64?

        var mfaEnabled: Bool { totpSecret != nil }
    }

    func insert(_ account: Account, at date: Date, on db: any SQLDatabase) async throws {
        try await db.insert(into: "accounts")
            .columns("id", "email", "password_hash", "created_at", "updated_at")
            .values(SQLBind(account.id), SQLBind(account.email), SQLBind(account.passwordHash), SQLBind(date.millis), SQLBind(date.millis))
            .run()
    }

    func account(email: String, on db: any SQLDatabase) async throws -> Account? {
        try await db.select().column("*").from("accounts").where("email", .equal, email).first().map(account)
    }

    func account(id: String, on db: any SQLDatabase) async throws -> Account? {
        try await db.select().column("*").from("accounts").where("id", .equal, id).first().map(account)
    }

    func setPasswordHash(_ hash: String, accountId: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.update("accounts").set("password_hash", to: hash).set("updated_at", to: date.millis)
            .where("id", .equal, accountId).run()
    }

    /// Swaps `old` for `new` unless the hash changed meanwhile (a password change wins over a rehash).
    func replacePasswordHash(_ old: String, with new: String, accountId: String, on db: any SQLDatabase) async throws {
        try await db.update("accounts").set("password_hash", to: new)
            .where("id", .equal, accountId).where("password_hash", .equal, old).run()
    }

    func setTOTP(secret: String?, pending: String?, lastStep: Int64?, accountId: String, at date: Date, on db: any SQLDatabase) async throws {
        try await db.update("accounts")
            .set("totp_secret", to: try secret.map(secrets.seal)).set("totp_pending_secret", to: try pending.map(secrets.seal))
            .set("totp_last_step", to: lastStep)
            .set("updated_at", to: date.millis)
            .where("id", .equal, accountId).run()
    }

    /// Records `step` as the last TOTP step used, unless a concurrent login already used it or a later one;
    /// false then, and the code must not count (a code works once).
    func useTOTPStep(_ step: Int64, accountId: String, on db: any SQLDatabase) async throws -> Bool {
        try await db.update("accounts").set("totp_last_step", to: step).where("id", .equal, accountId)
            .where { $0.where("totp_last_step", .is, SQLLiteral.null).orWhere("totp_last_step", .lessThan, step) }
            .returning("id").first() != nil
    }

    /// Removes the account; sessions, refresh tokens, API tokens and codes go with it (foreign keys cascade).
    func deleteAccount(id: String, on db: any SQLDatabase) async throws {
        try await db.delete(from: "accounts").where("id", .equal, id).run()
    }

    func account(_ row: any SQLRow) throws -> Account {
        Account(
            id: try row.string("id"), email: try row.string("email"), passwordHash: try row.string("password_hash"),
            totpSecret: try row.optionalString("totp_secret").map(secrets.open),
            totpPendingSecret: try row.optionalString("totp_pending_secret").map(secrets.open),
            totpLastStep: try row.decode(column: "totp_last_step", as: Int64?.self))
    }

    // MARK: Recovery codes

    func replaceRecoveryCodes(_ hashes: [String], accountId: String, on db: any SQLDatabase) async throws {
        try await db.delete(from: "recovery_codes").where("account_id", .equal, accountId).run()
        guard !hashes.isEmpty else { return }
        var insert = db.insert(into: "recovery_codes").columns("account_id", "code_hash")
        for hash in hashes { insert = insert.values(SQLBind(accountId), SQLBind(hash)) }
        try await insert.run()
    }

    /// Marks an unused code used; false if there is no such unused code. One conditional statement, so two
    /// logins with the same code at once cannot both use it.
    func useRecoveryCode(hash: String, accountId: String, at date: Date, on db: any SQLDatabase) async throws -> Bool {
        try await db.update("recovery_codes").set("used_at", to: date.millis)
            .where("account_id", .equal, accountId).where("code_hash", .equal, hash).where("used_at", .is, SQLLiteral.null)
            .returning("code_hash").first() != nil
    }

    func unusedRecoveryCodes(accountId: String, on db: any SQLDatabase) async throws -> Int {
        try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("recovery_codes")
            .where("account_id", .equal, accountId).where("used_at", .is, SQLLiteral.null)
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    // MARK: MFA challenges

    struct Challenge: Sendable {
        var accountId: String
        var userAgent: String
        var ipAddress: String
        var expiresAt: Date
        var attempts: Int
    }

    func insertChallenge(hash: String, _ challenge: Challenge, on db: any SQLDatabase) async throws {
        try await db.delete(from: "mfa_challenges").where("expires_at", .lessThan, Date().millis).run()
        try await db.insert(into: "mfa_challenges")
            .columns("token_hash", "account_id", "user_agent", "ip_address", "expires_at", "attempts")
            .values(
                SQLBind(hash), SQLBind(challenge.accountId), SQLBind(challenge.userAgent), SQLBind(challenge.ipAddress),
                SQLBind(challenge.expiresAt.millis), SQLBind(challenge.attempts))
            .run()
    }

    /// The challenge, its row locked until the transaction ends: tries of one challenge run one after another, so
    /// each sees the attempts counted before it and a used challenge is gone (PostgreSQL; SQLite serializes anyway).
    func challenge(hash: String, on db: any SQLDatabase) async throws -> Challenge? {
        try await db.select().column("*").from("mfa_challenges").where("token_hash", .equal, hash)
            .lockingClause(SQLLockingClause.update).first().map { row in
            Challenge(
                accountId: try row.string("account_id"), userAgent: try row.string("user_agent"),
                ipAddress: try row.string("ip_address"), expiresAt: try row.date("expires_at"),
                attempts: try row.decode(column: "attempts", as: Int.self))
        }
    }

    func countChallengeAttempt(hash: String, on db: any SQLDatabase) async throws {
        try await db.update("mfa_challenges").set("attempts", to: SQLRaw("attempts + 1")).where("token_hash", .equal, hash).run()
    }

    func deleteChallenge(hash: String, on db: any SQLDatabase) async throws {
        try await db.delete(from: "mfa_challenges").where("token_hash", .equal, hash).run()
    }
}
