import AcmeCore
import Auth
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct AuthFlowTests {
    @Test func signupReturnsUserAndTokensWithNormalisedEmail() async throws {
        try await TestApp.run { app in
            let response = try await app.request(
                .post, "/v1/auth/signup", body: ["email": "  Ann@Example.COM ", "password": TestApp.password, "name": "Ann"])
            #expect(response.status == .created)
            let json = try response.object()
            let user = try #require(json["user"] as? [String: Any])
            #expect(user["email"] as? String == "ann@example.com")
            #expect(user["name"] as? String == "Ann")
            #expect(AcmeID.isValid(user["id"] as? String ?? "", prefix: "usr"))
            #expect(json["tokenType"] as? String == "Bearer")
            #expect(json["expiresIn"] as? Int == 900)
            #expect((json["refreshToken"] as? String)?.hasPrefix("acme_rt_") == true)

            let me = try await app.request(.get, "/v1/users/me", token: json["accessToken"] as? String)
            #expect(me.status == .ok)
            #expect(try me.object()["email"] as? String == "ann@example.com")
            #expect(me.headers[.eTag] == "\"v1\"")
        }
    }

    @Test func duplicateEmailIsConflict() async throws {
        try await TestApp.run { app in
            _ = try await app.signup("Ann", email: "ann@example.com")
            let again = try await app.request(
                .post, "/v1/auth/signup", body: ["email": "ANN@example.com", "password": "another good passphrase", "name": "Ann 2"])
            try again.expectProblem(.conflict)
        }
    }

    @Test func signupIsRateLimitedPerAddressAndALimitedSignupCreatesNothing() async throws {
        try await TestApp.run(configure: { $0.signupsPerHour = 2 }) { app in
            _ = try await app.signup("Ann")
            _ = try await app.signup("Bob")
            let body = ["email": "cy@example.com", "password": "a good long passphrase", "name": "Cy"]
            let limited = try await app.request(.post, "/v1/auth/signup", body: body)
            try limited.expectProblem(.tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            try await app.request(.post, "/v1/auth/login", body: ["email": "cy@example.com", "password": "a good long passphrase"])
                .expectProblem(.unauthorized)
            app.clock.advance(by: 1800)
            #expect(try await app.request(.post, "/v1/auth/signup", body: body).status == .created)
        }
    }

    @Test func passwordPolicyRejectsShortLongCommonAndNULPasswords() async throws {
        try await TestApp.run { app in
            for password in ["short", String(repeating: "x", count: 129), "1234567890", "qwertyuiop", "Password123", "\u{0}correct horse battery"] {
                let response = try await app.request(.post, "/v1/auth/signup", body: ["email": "a@example.com", "password": password, "name": "A"])
                try response.expectProblem(.unprocessableContent)
                #expect(try response.errorFields() == ["password"], "password \(password)")
            }
            let emailAsPassword = try await app.request(
                .post, "/v1/auth/signup", body: ["email": "someone@example.com", "password": "someone@example.com", "name": "A"])
            #expect(try emailAsPassword.errorFields() == ["password"])
        }
    }

    @Test func loginReturnsTokensAndWrongCredentialsLookTheSame() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let ok = try await app.request(.post, "/v1/auth/login", body: ["email": ann.email.uppercased(), "password": ann.password])
            #expect(ok.status == .ok)
            #expect(try ok.object()["accessToken"] is String)

            let wrongPassword = try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": "not the password"])
            let unknownEmail = try await app.request(.post, "/v1/auth/login", body: ["email": "nobody@example.com", "password": "not the password"])
            let a = try wrongPassword.expectProblem(.unauthorized)
            let b = try unknownEmail.expectProblem(.unauthorized)
            #expect(a["detail"] as? String == b["detail"] as? String)
            #expect(wrongPassword.headers[.wwwAuthenticate] != nil)
        }
    }

    @Test func refreshRotatesAndReuseRevokesTheFamily() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let first = try await app.request(.post, "/v1/auth/refresh", body: ["refreshToken": ann.refreshToken])
            #expect(first.status == .ok)
            let rotated = try #require(try first.object()["refreshToken"] as? String)
            let access = try #require(try first.object()["accessToken"] as? String)
            #expect(rotated != ann.refreshToken)
            #expect(try await app.request(.get, "/v1/users/me", token: access).status == .ok)

            // The old token again: theft is assumed, the whole session dies.
            try await app.request(.post, "/v1/auth/refresh", body: ["refreshToken": ann.refreshToken]).expectProblem(.unauthorized)
            try await app.request(.post, "/v1/auth/refresh", body: ["refreshToken": rotated]).expectProblem(.unauthorized)
            try await app.request(.get, "/v1/users/me", token: access).expectProblem(.unauthorized)
            try await app.request(.get, "/v1/users/me", token: ann.accessToken).expectProblem(.unauthorized)
        }
    }

    @Test func garbageRefreshTokensAreUnauthorized() async throws {
        try await TestApp.run { app in
            for token in ["", "acme_rt_nope", "eyJhbGciOi", String(repeating: "a", count: 5000)] {
                try await app.request(.post, "/v1/auth/refresh", body: ["refreshToken": token]).expectProblem(.unauthorized)
            }
        }
    }

    @Test func logoutEndsTheSession() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            #expect(try await app.request(.post, "/v1/auth/logout", token: ann.accessToken).status == .noContent)
            try await app.request(.get, "/v1/users/me", token: ann.accessToken).expectProblem(.unauthorized)
            try await app.request(.post, "/v1/auth/refresh", body: ["refreshToken": ann.refreshToken]).expectProblem(.unauthorized)
        }
    }

    @Test func sessionsAreListedWithCurrentMarkedAndCanBeRevoked() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let login = try await app.request(
                .post, "/v1/auth/login", token: nil, json: #"{"email":"\#(ann.email)","password":"\#(ann.password)"}"#,
                headers: [.userAgent: "phone/1.0"])
            let phoneToken = try #require(try login.object()["accessToken"] as? String)

            let list = try await app.request(.get, "/v1/auth/sessions", token: ann.accessToken)
            #expect(list.status == .ok)
            let sessions = try list.items()
            #expect(sessions.count == 2)
            #expect(sessions.filter { $0["current"] as? Bool == true }.count == 1)
            let phone = try #require(sessions.first { $0["userAgent"] as? String == "phone/1.0" })
            #expect(phone["current"] as? Bool == false)
            #expect(phone["createdAt"] is String && phone["lastUsedAt"] is String && phone["ipAddress"] is String)

            let phoneId = try #require(phone["id"] as? String)
            #expect(try await app.request(.delete, "/v1/auth/sessions/\(phoneId)", token: ann.accessToken).status == .noContent)
            try await app.request(.get, "/v1/users/me", token: phoneToken).expectProblem(.unauthorized)
            #expect(try await app.request(.get, "/v1/users/me", token: ann.accessToken).status == .ok)
            // Revoking again, or someone else's session, is a 404.
            try await app.request(.delete, "/v1/auth/sessions/\(phoneId)", token: ann.accessToken).expectProblem(.notFound)
            let bob = try await app.signup("Bob")
            let annSessions = try await app.request(.get, "/v1/auth/sessions", token: ann.accessToken).items()
            let annCurrent = try #require(annSessions.first?["id"] as? String)
            try await app.request(.delete, "/v1/auth/sessions/\(annCurrent)", token: bob.accessToken).expectProblem(.notFound)
        }
    }

    @Test func passwordChangeRevokesOtherSessionsAndKeepsThisOne() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let other = try #require(try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password]).object()["accessToken"] as? String)

            let wrong = try await app.request(.post, "/v1/auth/password", token: ann.accessToken, body: ["currentPassword": "wrong password!", "newPassword": "a brand new passphrase"])
            try wrong.expectProblem(.forbidden)
            let weak = try await app.request(.post, "/v1/auth/password", token: ann.accessToken, body: ["currentPassword": ann.password, "newPassword": "password1"])
            #expect(try weak.errorFields() == ["newPassword"])

            let changed = try await app.request(.post, "/v1/auth/password", token: ann.accessToken, body: ["currentPassword": ann.password, "newPassword": "a brand new passphrase"])
            #expect(changed.status == .noContent)
            try await app.request(.get, "/v1/users/me", token: other).expectProblem(.unauthorized)
            #expect(try await app.request(.get, "/v1/users/me", token: ann.accessToken).status == .ok)
            try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password]).expectProblem(.unauthorized)
            #expect(try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": "a brand new passphrase"]).status == .ok)
        }
    }

    @Test func accessTokensExpireAfterFifteenMinutes() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            app.clock.advance(by: 14 * 60)
            #expect(try await app.request(.get, "/v1/users/me", token: ann.accessToken).status == .ok)
            app.clock.advance(by: 2 * 60)
            try await app.request(.get, "/v1/users/me", token: ann.accessToken).expectProblem(.unauthorized)
            // The refresh token still works and yields a fresh access token.
            let refreshed = try await app.request(.post, "/v1/auth/refresh", body: ["refreshToken": ann.refreshToken])
            let access = try #require(try refreshed.object()["accessToken"] as? String)
            #expect(try await app.request(.get, "/v1/users/me", token: access).status == .ok)
        }
    }

    @Test func loginIsRateLimitedPerAddressWithRetryAfter() async throws {
        try await TestApp.run(configure: { $0.loginAttemptsPerMinute = 3 }) { app in
            let ann = try await app.signup("Ann")
            for _ in 0..<3 {
                #expect(try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password]).status == .ok)
            }
            let limited = try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password])
            try limited.expectProblem(.tooManyRequests)
            let retryAfter = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...60).contains(retryAfter))
            app.clock.advance(by: 61)
            #expect(try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password]).status == .ok)
        }
    }

    @Test func repeatedFailuresThrottleTheAccount() async throws {
        try await TestApp.run(configure: { $0.loginAttemptsPerMinute = 1000 }) { app in
            let ann = try await app.signup("Ann")
            for _ in 0..<10 {
                try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": "wrong password!"]).expectProblem(.unauthorized)
            }
            // Even the right password is refused while the account is throttled.
            let limited = try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password])
            try limited.expectProblem(.tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            app.clock.advance(by: 15 * 60)
            #expect(try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password]).status == .ok)
        }
    }

    @Test func deletedAccountsTokensStopWorking() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let pat = try await app.request(.post, "/v1/auth/tokens", token: ann.accessToken, body: ["name": "ci", "scopes": ["profile:read"]] as [String: AnyEncodable])
            let patToken = try #require(try pat.object()["token"] as? String)
            #expect(try await app.request(.get, "/v1/users/me", token: patToken).status == .ok)

            try await app.request(.delete, "/v1/auth/account", token: ann.accessToken, body: ["password": "wrong password!"]).expectProblem(.forbidden)
            let deleted = try await app.request(.delete, "/v1/auth/account", token: ann.accessToken, body: ["password": ann.password])
            #expect(deleted.status == .noContent)
            try await app.request(.get, "/v1/users/me", token: ann.accessToken).expectProblem(.unauthorized)
            try await app.request(.get, "/v1/users/me", token: patToken).expectProblem(.unauthorized)
            try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password]).expectProblem(.unauthorized)
            // The address is free again.
            _ = try await app.signup("Ann again", email: ann.email)
        }
    }

    @Test func lastOwnerCannotDeleteTheirAccount() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            _ = try await app.createOrg(ann)
            try await app.request(.delete, "/v1/auth/account", token: ann.accessToken, body: ["password": ann.password]).expectProblem(.conflict)
            #expect(try await app.request(.get, "/v1/users/me", token: ann.accessToken).status == .ok)
        }
    }
}

/// Heterogeneous JSON bodies in tests.
struct AnyEncodable: Encodable, Sendable, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    let encodeValue: @Sendable (any Encoder) throws -> Void

    init(_ value: some Encodable & Sendable) { encodeValue = { try value.encode(to: $0) } }
    init(stringLiteral value: String) { self.init(value) }
    init(arrayLiteral elements: String...) { self.init(elements) }
    init(integerLiteral value: Int) { self.init(value) }
    init(booleanLiteral value: Bool) { self.init(value) }
    func encode(to encoder: any Encoder) throws { try encodeValue(encoder) }
}
