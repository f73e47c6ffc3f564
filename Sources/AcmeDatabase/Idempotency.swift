import AcmeCore
import Crypto
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `Idempotency-Key` for creating requests: the first request's result is stored in the same transaction
/// as the creation, and a retry with the same key and the same body gets that result back instead of a
/// second resource. Keys are scoped (by caller and route) and remembered for 24 hours.
public struct IdempotencyKey: Sendable, Equatable {
    public static let migration: any Migration = CreateIdempotencyKeysTable()
    public static let lifetime: TimeInterval = 24 * 3600

    /// Who used the key and where, e.g. `usr_…:POST /v1/projects/{projectId}/documents`.
    public var scope: String
    public var key: String
    /// Hash of the request body: the same key with a different body is a client error, not a replay.
    public var fingerprint: String

    public init(scope: String, key: String, body: some Sequence<UInt8>) {
        self.scope = scope
        self.key = key
        self.fingerprint = SHA256.hash(data: Array(body)).map { String(format: "%02x", $0) }.joined()
    }

    /// Runs `create` unless this key was used before; returns the (first) result and whether it is a replay.
    /// Call inside the transaction that performs the creation.
    public func run<T: Codable & Sendable>(
        on db: any SQLDatabase, now: Date, _ create: () async throws -> T
    ) async throws -> (value: T, replayed: Bool) {
        let horizon = now.addingTimeInterval(-Self.lifetime).millis
        if db.isPostgres {
            // Requests with one key wait here for each other until the first commits, so the next finds its row.
            // Without it a retry sent before the first committed missed the key, created a second resource, and
            // (committing after it) replaced the first one's key: a duplicate. SQLite's single writer serializes them.
            try await db.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: scope + "\n" + key), 0))").run()
        }
        if let row = try await db.select().columns("fingerprint", "response").from("idempotency_keys")
            .where("scope", .equal, scope).where("idempotency_key", .equal, key).where("created_at", .greaterThan, horizon)
            .first()
        {
            guard try row.string("fingerprint") == fingerprint else {
                throw AcmeError.unprocessable("This Idempotency-Key was already used with a different request body.")
            }
            let stored = try row.decode(column: "response", as: Data.self)
            return (try JSONCoding.decoder().decode(T.self, from: stored), true)
        }
        let value = try await create()
        // Expired keys (this one included, if it was used over a day ago) go as new ones arrive; the
        // created_at index keeps that a short range delete.
        try await Self.purge(on: db, now: now)
        try await db.delete(from: "idempotency_keys")
            .where("scope", .equal, scope).where("idempotency_key", .equal, key).run()
        try await db.insert(into: "idempotency_keys")
            .columns("scope", "idempotency_key", "fingerprint", "response", "created_at")
            .values(SQLBind(scope), SQLBind(key), SQLBind(fingerprint), SQLBind(try JSONCoding.encoder().encode(value)), SQLBind(now.millis))
            .run()
        return (value, false)
    }

    /// Forgets keys older than the lifetime.
    public static func purge(on db: any SQLDatabase, now: Date) async throws {
        try await db.delete(from: "idempotency_keys").where("created_at", .lessThanOrEqual, now.addingTimeInterval(-lifetime).millis).run()
    }
}

struct CreateIdempotencyKeysTable: Migration {
    let name = "CreateIdempotencyKeysTable"

    func prepare(on db: any SQLDatabase) async throws {
        try await db.create(table: "idempotency_keys")
            .column("scope", type: .text, .notNull)
            .column("idempotency_key", type: .text, .notNull)
            .column("fingerprint", type: .text, .notNull)
            .column("response", type: .blob, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .primaryKey("scope", "idempotency_key")
            .run()
        try await db.create(index: "idempotency_keys_created_idx").on("idempotency_keys").column("created_at").run()
    }
}
