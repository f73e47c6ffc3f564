import AcmeCore
import AcmeDatabase
import Crypto
import JWTKit
import SQLKit
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Ed25519 keys that sign access tokens.
///
/// Keys live in the Auth database (so every Auth instance signs with the same key and the embedded server
/// keeps them across restarts). The newest key signs; rotation adds a key and retires the old one, which
/// stays in the JWKS and keeps verifying until every token it signed has expired.
///
/// With several instances, one of them rotates and the others learn of the new key when they next check
/// (`SigningKeyRotation`, every minute), or at once when a token names a key they have not seen.
final class SigningKeyRing: Sendable {
    struct Key: Sendable {
        var kid: String
        var privateKey: Curve25519.Signing.PrivateKey
        var createdAt: Date
        var retiredAt: Date?
    }

    private let database: any Database
    private let secrets: SecretBox
    private let clock: any WallClock
    private let tokenLifetime: TimeInterval
    private let rotationInterval: TimeInterval
    private let collection: Mutex<(JWTKeyCollection, [Key])>
    /// When keys were last read for a token with an unknown key id, and the read in flight, if any: one read
    /// serves every request waiting for it, and made-up key ids cannot turn each request into a query.
    private let unknownKeyReload = Mutex<(last: Date?, running: Task<Void, any Error>?)>((nil, nil))
    static let unknownKeyReloadInterval: TimeInterval = 5

    init(database: any Database, secrets: SecretBox, clock: any WallClock, tokenLifetime: TimeInterval, rotationInterval: TimeInterval) {
        self.database = database
        self.secrets = secrets
        self.clock = clock
        self.tokenLifetime = tokenLifetime
        self.rotationInterval = rotationInterval
        self.collection = Mutex((JWTKeyCollection(), []))
    }

    /// Loads the keys, creating the first one or rotating an old one as needed.
    func load() async throws {
        var keys = try await storedKeys()
        if let active = keys.last(where: { $0.retiredAt == nil }) {
            if clock.now().timeIntervalSince(active.createdAt) >= rotationInterval {
                keys = try await rotate()
                return
            }
        } else {
            keys = try await rotate()
            return
        }
        await install(keys)
    }

    /// Makes a new signing key and retires the current one; returns the live keys.
    @discardableResult
    func rotate() async throws -> [Key] {
        let now = clock.now()
        let key = Key(kid: AcmeID.make("key", at: now), privateKey: Curve25519.Signing.PrivateKey(), createdAt: now, retiredAt: nil)
        let sealed = try secrets.seal(key.privateKey.rawRepresentation.base64EncodedString())
        try await database.transaction { db in
            try await db.update("signing_keys").set("retired_at", to: now.millis)
                .where("retired_at", .is, SQLLiteral.null).run()
            try await db.insert(into: "signing_keys").columns("kid", "private_key", "created_at")
                .values(SQLBind(key.kid), SQLBind(sealed), SQLBind(now.millis))
                .run()
            // Keys retired longer ago than a token lives can verify nothing any more.
            try await db.delete(from: "signing_keys")
                .where("retired_at", .lessThan, now.addingTimeInterval(-tokenLifetime - 60).millis).run()
        }
        let keys = try await storedKeys()
        await install(keys)
        return keys
    }

    private func storedKeys() async throws -> [Key] {
        let horizon = clock.now().addingTimeInterval(-tokenLifetime - 60).millis
        let secrets = self.secrets
        return try await database.read { db in
            try await db.select().columns("kid", "private_key", "created_at", "retired_at").from("signing_keys")
                .where(SQLColumn("retired_at"), .is, SQLLiteral.null)
                .orWhere("retired_at", .greaterThan, horizon)
                .orderBy("created_at").all()
                .map { row in
                    guard let raw = Data(base64Encoded: try secrets.open(try row.string("private_key"))) else {
                        throw CocoaError(.coderReadCorrupt)
                    }
                    return Key(
                        kid: try row.string("kid"), privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: raw),
                        createdAt: try row.date("created_at"), retiredAt: try row.optionalDate("retired_at"))
                }
        }
    }

    private func install(_ keys: [Key]) async {
        let fresh = JWTKeyCollection()
        for key in keys {
            await fresh.add(eddsa: EdDSA.PrivateKey(backing: key.privateKey), kid: JWKIdentifier(string: key.kid))
        }
        collection.withLock { $0 = (fresh, keys) }
    }

    func sign(_ claims: AccessTokenClaims) async throws -> String {
        let (keys, list) = collection.withLock { $0 }
        guard let active = list.last(where: { $0.retiredAt == nil }) else { throw AcmeError.unavailable() }
        return try await keys.sign(claims, kid: JWKIdentifier(string: active.kid))
    }

    /// Verifies signature, algorithm and claims; expiry is the caller's check.
    func verify(_ token: String) async throws -> AccessTokenClaims {
        let keys = collection.withLock { $0.0 }
        do {
            return try await keys.verify(token, as: AccessTokenClaims.self)
        } catch {
            guard let kid = Self.keyID(of: token), !knows(kid), await reloadForUnknownKey() else { throw error }
            return try await collection.withLock { $0.0 }.verify(token, as: AccessTokenClaims.self)
        }
    }

    private func knows(_ kid: String) -> Bool {
        collection.withLock { $0.1.contains { $0.kid == kid } }
    }

    /// Reads the stored keys again unless that happened less than `unknownKeyReloadInterval` ago; false if not.
    private func reloadForUnknownKey() async -> Bool {
        let now = clock.now()
        let task = unknownKeyReload.withLock { state -> Task<Void, any Error>? in
            if let running = state.running { return running }
            if let last = state.last, now.timeIntervalSince(last) < Self.unknownKeyReloadInterval { return nil }
            let task = Task { [self] in
                defer { unknownKeyReload.withLock { $0.running = nil } }
                await install(try await storedKeys())
            }
            state = (now, task)
            return task
        }
        guard let task else { return false }
        // A failed read (the database is down) leaves the token as unverifiable as it was.
        return (try? await task.value) != nil
    }

    /// The `kid` of a JWT's header, without verifying anything.
    static func keyID(of token: String) -> String? {
        struct Header: Decodable { var kid: String? }
        guard let encoded = token.split(separator: ".", maxSplits: 1).first,
            let data = Data(base64URLEncoded: String(encoded))
        else { return nil }
        return (try? JSONDecoder().decode(Header.self, from: data))?.kid
    }

    func jwks() -> JWKS {
        let keys = collection.withLock { $0.1 }
        return JWKS(keys: keys.map { JWKS.Key(kid: $0.kid, x: $0.privateKey.publicKey.rawRepresentation.base64URLEncodedString()) })
    }
}
