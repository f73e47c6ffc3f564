import AcmeCore
import Foundation
import HummingbirdBcrypt
import SQLKit
import Testing

@testable import AcmeServer
@testable import Auth

@Suite struct CredentialStorageTests {
    /// Another instance of the Auth service (its own key ring on the same database) rotates the key and signs
    /// with the new one: this instance, which has not seen that key, must still accept the token at once.
    @Test func tokensSignedWithAKeyAnotherInstanceAddedAreAcceptedAtOnce() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            try await app.withDatabase("auth") { database in
                let other = SigningKeyRing(
                    database: database, secrets: try AcmeServer.secretBox(app.storageConfig), clock: app.clock,
                    tokenLifetime: 15 * 60, rotationInterval: 30 * 24 * 3600)
                try await other.rotate()
                let token = try await other.sign(try await other.verify(ann.accessToken))
                #expect(SigningKeyRing.keyID(of: token) != SigningKeyRing.keyID(of: ann.accessToken))
                #expect(try await app.request(.get, "/v1/users/me", token: token).status == .ok)

                // A key id no instance has is still refused.
                let parts = token.split(separator: ".").map(String.init)
                let header = Data(#"{"alg":"EdDSA","typ":"JWT","kid":"key_made_up"}"#.utf8).base64URLEncodedString()
                let forged = [header, parts[1], parts[2]].joined(separator: ".")
                try await app.request(.get, "/v1/users/me", token: forged).expectProblem(.unauthorized)
            }
        }
    }

    /// An account whose stored hash is bcrypt of the password itself (as hashes were made before digests): the
    /// login succeeds and leaves a digest hash behind.
    @Test func loginReplacesAHashOfThePasswordItself() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            func storedHash() async throws -> String {
                try await app.withDatabase("auth") { database in
                    try await database.read { db in
                        try #require(try await db.select().column("password_hash").from("accounts").where("id", .equal, ann.id)
                            .first()?.decode(column: "password_hash", as: String.self))
                    }
                }
            }
            #expect(try await storedHash().hasPrefix("sha256:"))
            let legacy = Bcrypt.hash(ann.password, cost: 4)
            try await app.withDatabase("auth") { database in
                try await database.transaction { db in
                    try await db.update("accounts").set("password_hash", to: legacy).where("id", .equal, ann.id).run()
                }
            }
            #expect(try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password]).status == .ok)
            let upgraded = try await storedHash()
            #expect(upgraded.hasPrefix("sha256:"))
            #expect(try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password]).status == .ok)
            try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password + "!"])
                .expectProblem(.unauthorized)
        }
    }
}
