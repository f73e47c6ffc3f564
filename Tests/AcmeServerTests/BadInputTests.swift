import AcmeCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Every class of bad input gets the right problem+json status and changes nothing.
@Suite struct BadInputTests {
    @Test func malformedJSONIs400() async throws {
        try await TestApp.run { app in
            for body in ["{", "not json", "[1,2]", "\"string\"", "{\"email\": }"] {
                try await app.request(.post, "/v1/auth/signup", json: body).expectProblem(.badRequest)
            }
            try await app.request(.post, "/v1/auth/signup", json: "").expectProblem(.badRequest)
        }
    }

    @Test func wrongTypesMissingAndUnknownFieldsAre422WithFieldErrors() async throws {
        try await TestApp.run { app in
            let wrongType = try await app.request(.post, "/v1/auth/signup", json: #"{"email": 42, "password": "correct horse battery", "name": "A"}"#)
            try wrongType.expectProblem(.unprocessableContent)
            #expect(try wrongType.errorFields() == ["email"])
            let missing = try await app.request(.post, "/v1/auth/signup", json: #"{"email": "a@example.com", "name": "A"}"#)
            #expect(try missing.errorFields() == ["password"])
            let null = try await app.request(.post, "/v1/auth/signup", json: #"{"email": null, "password": "correct horse battery", "name": "A"}"#)
            #expect(try null.errorFields() == ["email"])
            let unknown = try await app.request(.post, "/v1/auth/signup", json: #"{"email": "a@example.com", "password": "correct horse battery", "name": "A", "isAdmin": true}"#)
            #expect(try unknown.errorFields() == ["isAdmin"])
            let badEmail = try await app.request(.post, "/v1/auth/signup", json: #"{"email": "not-an-email", "password": "correct horse battery", "name": "A"}"#)
            #expect(try badEmail.errorFields() == ["email"])
            // Nothing was created by any of them.
            try await app.request(.post, "/v1/auth/login", body: ["email": "a@example.com", "password": "correct horse battery"]).expectProblem(.unauthorized)
        }
    }

    @Test func oversizeBodiesAre413() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let huge = #"{"name": ""# + String(repeating: "x", count: 1 << 20) + #""}"#
            let response = try await app.request(.patch, "/v1/users/me", token: ann.accessToken, json: huge)
            try response.expectProblem(.contentTooLarge)
            #expect(try await app.request(.get, "/v1/users/me", token: ann.accessToken).object()["name"] as? String == "Ann")
        }
    }

    @Test func nonJSONContentTypeIs415() async throws {
        try await TestApp.run { app in
            let response = try await app.request(.post, "/v1/auth/login", json: "email=a", headers: [.contentType: "application/x-www-form-urlencoded"])
            try response.expectProblem(.unsupportedMediaType)
        }
    }

    @Test func badIdsAre404() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            for path in ["/v1/orgs/nope", "/v1/orgs/org_123", "/v1/orgs/usr_01JD0000000000000000000000", "/v1/orgs/org_01JD000000000000000000000I"] {
                try await app.request(.get, path, token: ann.accessToken).expectProblem(.notFound)
            }
            try await app.request(.delete, "/v1/auth/sessions/bogus", token: ann.accessToken).expectProblem(.notFound)
            try await app.request(.delete, "/v1/auth/tokens/tok_x", token: ann.accessToken).expectProblem(.notFound)
        }
    }

    @Test func unknownRoutesAre404Problems() async throws {
        try await TestApp.run { app in
            let response = try await app.request(.get, "/v1/nothing-here")
            try response.expectProblem(.notFound)
            #expect(response.headers[.init("X-Request-Id")!] != nil)
        }
    }

    @Test func protectedRoutesNeedAToken() async throws {
        try await TestApp.run { app in
            for (method, path) in [(HTTPRequest.Method.get, "/v1/users/me"), (.get, "/v1/orgs"), (.post, "/v1/auth/logout"), (.get, "/v1/auth/sessions")] {
                let response = try await app.request(method, path)
                try response.expectProblem(.unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            try await app.request(.get, "/v1/users/me", headers: [.authorization: "Basic YTpi"]).expectProblem(.unauthorized)
        }
    }

    @Test func requestIdsAreEchoedOrGenerated() async throws {
        try await TestApp.run { app in
            let name = HTTPField.Name("X-Request-Id")!
            let echoed = try await app.request(.get, "/health/live", headers: [name: "abc-123"])
            #expect(echoed.headers[name] == "abc-123")
            let replaced = try await app.request(.get, "/health/live", headers: [name: "bad id with spaces"])
            #expect(replaced.headers[name]?.hasPrefix("req_") == true)
            let problem = try await app.request(.get, "/v1/users/me", headers: [name: "trace-1"]).object()
            #expect(problem["requestId"] as? String == "trace-1")
        }
    }
}

/// Access tokens that are forged, tampered with, unsigned or for the wrong audience are all 401.
@Suite struct TokenForgeryTests {
    static func base64URL(_ data: Data) -> String { data.base64URLEncodedString() }

    static func parts(_ token: String) -> [String] { token.split(separator: ".").map(String.init) }

    static func decode(_ part: String) throws -> [String: Any] {
        let data = try #require(Data(base64URLEncoded: part))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func encode(_ object: [String: Any]) throws -> String {
        base64URL(try JSONSerialization.data(withJSONObject: object))
    }

    @Test func algNoneIsRejected() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let parts = Self.parts(ann.accessToken)
            var header = try Self.decode(parts[0])
            header["alg"] = "none"
            for token in ["\(try Self.encode(header)).\(parts[1]).", "\(try Self.encode(header)).\(parts[1])"] {
                try await app.request(.get, "/v1/users/me", token: token).expectProblem(.unauthorized)
            }
        }
    }

    @Test func tamperedClaimsAreRejected() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let bob = try await app.signup("Bob")
            let parts = Self.parts(ann.accessToken)
            var claims = try Self.decode(parts[1])
            claims["sub"] = bob.id
            try await app.request(.get, "/v1/users/me", token: "\(parts[0]).\(try Self.encode(claims)).\(parts[2])").expectProblem(.unauthorized)
            claims = try Self.decode(parts[1])
            claims["exp"] = (claims["exp"] as! Double) + 3600
            try await app.request(.get, "/v1/users/me", token: "\(parts[0]).\(try Self.encode(claims)).\(parts[2])").expectProblem(.unauthorized)
        }
    }

    @Test func tokensSignedByAnotherKeyAreRejected() async throws {
        // A token from a different deployment (its own key ring) must not verify here.
        let foreign = try await TestApp.run { app in try await app.signup("Ann").accessToken }
        try await TestApp.run { app in
            try await app.request(.get, "/v1/users/me", token: foreign).expectProblem(.unauthorized)
            for garbage in ["", "a.b.c", "x", String(repeating: "A", count: 10_000)] {
                try await app.request(.get, "/v1/users/me", token: garbage).expectProblem(.unauthorized)
            }
        }
    }

    @Test func jwksPublishesTheKeyAndRotationKeepsOldTokensValid() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let kid = try #require(try Self.decode(Self.parts(ann.accessToken)[0])["kid"] as? String)
            let jwks = try await app.request(.get, "/.well-known/jwks.json").object()
            let keys = try #require(jwks["keys"] as? [[String: Any]])
            #expect(keys.map { $0["kid"] as? String } == [kid])
            #expect(keys[0]["kty"] as? String == "OKP" && keys[0]["crv"] as? String == "Ed25519" && keys[0]["alg"] as? String == "EdDSA")
            #expect(keys[0]["d"] == nil)

            try await app.auth.rotateSigningKey()
            let after = try #require(try await app.request(.get, "/.well-known/jwks.json").object()["keys"] as? [[String: Any]])
            #expect(after.count == 2)
            #expect(try await app.request(.get, "/v1/users/me", token: ann.accessToken).status == .ok)
            let fresh = try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password])
            let newKid = try Self.decode(Self.parts(try #require(try fresh.object()["accessToken"] as? String))[0])["kid"] as? String
            #expect(newKid != kid)
            #expect(after.contains { $0["kid"] as? String == newKid })
        }
    }
}
