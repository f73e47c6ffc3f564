import AcmeCore
import AcmeDatabase
import Logging
import Auth
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct MFATests {
    /// Decodes the base32 secret shown to the user back into the key the server uses.
    static func secret(fromBase32 base32: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var buffer: UInt32 = 0
        var bits = 0
        var bytes: [UInt8] = []
        for character in base32 {
            guard let index = alphabet.firstIndex(of: character) else { continue }
            buffer = (buffer << 5) | UInt32(index)
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Enrols Ann in TOTP and returns (secret, recovery codes).
    static func enable(_ app: TestApp, _ account: TestApp.Account) async throws -> (String, [String]) {
        let setup = try await app.request(.post, "/v1/auth/mfa/totp", token: account.accessToken)
        #expect(setup.status == .ok)
        let json = try setup.object()
        let url = try #require(json["otpauthUrl"] as? String)
        #expect(url.hasPrefix("otpauth://totp/"))
        let secret = secret(fromBase32: try #require(json["secret"] as? String))
        #expect(url.contains("secret=\(json["secret"] as! String)"))

        let code = TOTPVerifier.code(secret: secret, at: app.clock.now())
        let enabled = try await app.request(.post, "/v1/auth/mfa/totp/enable", token: account.accessToken, body: ["code": code])
        #expect(enabled.status == .ok, "\(enabled.bodyString)")
        let codes = try #require(try enabled.object()["recoveryCodes"] as? [String])
        #expect(codes.count == 10)
        #expect(Set(codes).count == 10)
        return (secret, codes)
    }

    static func mfaToken(_ app: TestApp, _ account: TestApp.Account) async throws -> String {
        let login = try await app.request(.post, "/v1/auth/login", body: ["email": account.email, "password": account.password])
        #expect(login.status == .ok)
        let json = try login.object()
        #expect(json["mfaRequired"] as? Bool == true)
        #expect(json["accessToken"] == nil)
        return try #require(json["mfaToken"] as? String)
    }

    @Test func loginWithTOTPAfterEnrolment() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let (secret, _) = try await Self.enable(app, ann)
            app.clock.advance(by: 30)  // the enrolment code's step is spent

            let token = try await Self.mfaToken(app, ann)
            try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": token, "code": "000000"]).expectProblem(.unauthorized)
            let code = TOTPVerifier.code(secret: secret, at: app.clock.now())
            let verified = try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": token, "code": code])
            #expect(verified.status == .ok, "\(verified.bodyString)")
            let access = try #require(try verified.object()["accessToken"] as? String)
            #expect(try await app.request(.get, "/v1/users/me", token: access).status == .ok)

            // The challenge is consumed, and the same code cannot be replayed in a new challenge.
            try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": token, "code": code]).expectProblem(.unauthorized)
            let second = try await Self.mfaToken(app, ann)
            try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": second, "code": code]).expectProblem(.unauthorized)
        }
    }

    @Test func recoveryCodesWorkOnceEach() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let (_, codes) = try await Self.enable(app, ann)

            let token = try await Self.mfaToken(app, ann)
            let used = try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": token, "code": codes[0].uppercased()])
            #expect(used.status == .ok, "\(used.bodyString)")

            let again = try await Self.mfaToken(app, ann)
            try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": again, "code": codes[0]]).expectProblem(.unauthorized)
            let compact = codes[1].replacingOccurrences(of: "-", with: "")
            #expect(try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": again, "code": compact]).status == .ok)
        }
    }

    @Test func mfaChallengeAllowsFiveAttemptsAndExpires() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let (secret, _) = try await Self.enable(app, ann)
            app.clock.advance(by: 30)
            let token = try await Self.mfaToken(app, ann)
            for _ in 0..<5 {
                try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": token, "code": "123456"]).expectProblem(.unauthorized)
            }
            let good = TOTPVerifier.code(secret: secret, at: app.clock.now())
            try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": token, "code": good]).expectProblem(.unauthorized)

            let fresh = try await Self.mfaToken(app, ann)
            app.clock.advance(by: 6 * 60)
            let late = TOTPVerifier.code(secret: secret, at: app.clock.now())
            try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": fresh, "code": late]).expectProblem(.unauthorized)
        }
    }

    @Test func enableNeedsAValidCodeAndDisableNeedsOne() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            try await app.request(.post, "/v1/auth/mfa/totp/enable", token: ann.accessToken, body: ["code": "123456"]).expectProblem(.conflict)
            _ = try await app.request(.post, "/v1/auth/mfa/totp", token: ann.accessToken)
            let wrong = try await app.request(.post, "/v1/auth/mfa/totp/enable", token: ann.accessToken, body: ["code": "12345x"])
            #expect(try wrong.errorFields() == ["code"])

            let (secret, _) = try await Self.enable(app, ann)
            try await app.request(.post, "/v1/auth/mfa/totp", token: ann.accessToken).expectProblem(.conflict)
            app.clock.advance(by: 30)
            try await app.request(.delete, "/v1/auth/mfa/totp", token: ann.accessToken, body: ["code": "000000"]).expectProblem(.forbidden)
            let code = TOTPVerifier.code(secret: secret, at: app.clock.now())
            #expect(try await app.request(.delete, "/v1/auth/mfa/totp", token: ann.accessToken, body: ["code": code]).status == .noContent)
            let login = try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password])
            #expect(try login.object()["accessToken"] is String)
        }
    }

    /// A session that signed in over 10 minutes ago (a stolen, refreshed one, say) must give the password to
    /// start enrolment, so it cannot lock the owner out with a second factor of its own.
    @Test func enrolmentFromAnOlderSessionNeedsThePassword() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            app.clock.advance(by: 11 * 60)
            try await app.request(.post, "/v1/auth/mfa/totp", token: ann.accessToken).expectProblem(.forbidden)
            try await app.request(.post, "/v1/auth/mfa/totp", token: ann.accessToken, body: ["password": "not the password"])
                .expectProblem(.forbidden)
            try await app.request(.post, "/v1/auth/mfa/totp", token: ann.accessToken, body: ["password": 12])
                .expectProblem(.unprocessableContent)
            let confirmed = try await app.request(.post, "/v1/auth/mfa/totp", token: ann.accessToken, body: ["password": ann.password])
            #expect(confirmed.status == .ok)
            #expect(try confirmed.object()["secret"] is String)
            // A fresh sign-in needs no body.
            let login = try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password])
            let fresh = try #require(try login.object()["accessToken"] as? String)
            #expect(try await app.request(.post, "/v1/auth/mfa/totp", token: fresh).status == .ok)
        }
    }
}

@Suite struct APITokenTests {
    @Test func tokensAuthenticateWithinTheirScopes() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let created = try await app.request(
                .post, "/v1/auth/tokens", token: ann.accessToken,
                body: ["name": "ci", "scopes": ["profile:read", "orgs:read"], "expiresInDays": 30] as [String: AnyEncodable])
            #expect(created.status == .created)
            let json = try created.object()
            let token = try #require(json["token"] as? String)
            #expect(token.hasPrefix("acme_pat_"))
            #expect(json["scopes"] as? [String] == ["orgs:read", "profile:read"])

            #expect(try await app.request(.get, "/v1/users/me", token: token).status == .ok)
            #expect(try await app.request(.get, "/v1/orgs", token: token).status == .ok)
            try await app.request(.patch, "/v1/users/me", token: token, body: ["name": "Mallory"]).expectProblem(.forbidden)
            try await app.request(.post, "/v1/orgs", token: token, body: ["name": "X", "slug": "xyz", "region": "us-east"]).expectProblem(.forbidden)
            // An API token cannot manage credentials.
            try await app.request(.post, "/v1/auth/tokens", token: token, body: ["name": "more", "scopes": ["profile:read"]] as [String: AnyEncodable]).expectProblem(.forbidden)
            try await app.request(.get, "/v1/auth/sessions", token: token).expectProblem(.forbidden)
        }
    }

    @Test func tokensAreListedWithoutSecretsAndRevocable() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let created = try await app.request(.post, "/v1/auth/tokens", token: ann.accessToken, body: ["name": "ci", "scopes": ["profile:read"]] as [String: AnyEncodable])
            let json = try created.object()
            let (id, token) = (try #require(json["id"] as? String), try #require(json["token"] as? String))

            let list = try await app.request(.get, "/v1/auth/tokens", token: ann.accessToken)
            let items = try list.items()
            #expect(items.count == 1)
            #expect(items[0]["id"] as? String == id)
            #expect(items[0]["token"] == nil)
            #expect(token.hasPrefix(items[0]["prefix"] as? String ?? "?"))
            #expect(!list.bodyString.contains(token))

            #expect(try await app.request(.get, "/v1/users/me", token: token).status == .ok)
            #expect(try await app.request(.delete, "/v1/auth/tokens/\(id)", token: ann.accessToken).status == .noContent)
            try await app.request(.get, "/v1/users/me", token: token).expectProblem(.unauthorized)
            try await app.request(.delete, "/v1/auth/tokens/\(id)", token: ann.accessToken).expectProblem(.notFound)
            #expect(try await app.request(.get, "/v1/auth/tokens", token: ann.accessToken).items().isEmpty)
        }
    }

    @Test func tokensExpire() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let created = try await app.request(.post, "/v1/auth/tokens", token: ann.accessToken, body: ["name": "ci", "scopes": ["profile:read"], "expiresInDays": 1] as [String: AnyEncodable])
            let token = try #require(try created.object()["token"] as? String)
            #expect(try await app.request(.get, "/v1/users/me", token: token).status == .ok)
            app.clock.advance(by: 86_401)
            try await app.request(.get, "/v1/users/me", token: token).expectProblem(.unauthorized)
        }
    }

    @Test func invalidTokenRequestsAreRejected() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let bad = try await app.request(
                .post, "/v1/auth/tokens", token: ann.accessToken,
                body: ["name": "", "scopes": ["profile:read", "root"], "expiresInDays": 400] as [String: AnyEncodable])
            try bad.expectProblem(.unprocessableContent)
            #expect(try bad.errorFields() == ["name", "scopes[1]", "expiresInDays"])
            let none = try await app.request(.post, "/v1/auth/tokens", token: ann.accessToken, body: ["name": "x", "scopes": []] as [String: AnyEncodable])
            #expect(try none.errorFields() == ["scopes"])
            #expect(try await app.request(.get, "/v1/auth/tokens", token: ann.accessToken).items().isEmpty)
        }
    }
}

@Suite struct SecretsAtRestTests {
    @Test func totpSecretsAndSigningKeysAreNotStoredInClear() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let (secret, _) = try await MFATests.enable(app, ann)
            let keyFile = app.dataDir + "/secrets.key"
            let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            var stored = Data()
            if let prefix = app.schemaPrefix, let url = TestApp.postgresURL {
                // PostgreSQL: what the server stored in the secret columns.
                let admin = try await PostgresDatabasePool.open(name: "inspect", url: url, maxConnections: 1, logger: Logger(label: "test"))
                let rows = try await admin.read { db in
                    try await db.raw("SELECT totp_secret FROM \(ident: prefix + "_auth").accounts UNION ALL SELECT private_key FROM \(ident: prefix + "_auth").signing_keys").all()
                }
                try await admin.close()
                for row in rows { stored.append(Data((try row.decode(column: "totp_secret", as: String?.self) ?? "").utf8)) }
            } else {
                for file in ["auth.sqlite", "auth.sqlite-wal"] {
                    stored.append(FileManager.default.contents(atPath: "\(app.dataDir)/\(file)") ?? Data())
                }
            }
            #expect(!stored.isEmpty)
            #expect(stored.range(of: Data(secret.utf8)) == nil)
        }
    }
}
