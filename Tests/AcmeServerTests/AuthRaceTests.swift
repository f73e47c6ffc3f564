import Auth
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Credentials that work once keep working once when the same one arrives several times at once, and revoking
/// every session reaches every session. (On SQLite one writer serializes the requests anyway; on PostgreSQL these
/// races were real: two refreshes with one token both rotated it.)
@Suite struct AuthRaceTests {
    @Test func aRefreshTokenRotatesOnceHoweverManyPresentItAtOnce() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let refreshes = try await TestApp.concurrently(8) { _ in
                try await app.request(.post, "/v1/auth/refresh", body: ["refreshToken": ann.refreshToken])
            }
            #expect(refreshes.filter { $0.status == .ok }.count == 1)
            #expect(refreshes.filter { $0.status == .unauthorized }.count == 7)
            // Whichever came second found the token used: the session is revoked, the winner's token with it.
            if let winner = refreshes.first(where: { $0.status == .ok }) {
                let rotated = try #require(try winner.object()["refreshToken"] as? String)
                try await app.request(.post, "/v1/auth/refresh", body: ["refreshToken": rotated]).expectProblem(.unauthorized)
            }
        }
    }

    @Test func anMFACodeSignsInOnceWhetherSentTwiceToOneChallengeOrToTwo() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let (secret, codes) = try await MFATests.enable(app, ann)
            app.clock.advance(by: 30)  // the enrolment code's step is spent
            let code = TOTPVerifier.code(secret: secret, at: app.clock.now())

            let token = try await MFATests.mfaToken(app, ann)
            let sameChallenge = try await TestApp.concurrently(6) { _ in
                try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": token, "code": code])
            }
            #expect(sameChallenge.filter { $0.status == .ok }.count == 1)

            app.clock.advance(by: 30)
            let next = TOTPVerifier.code(secret: secret, at: app.clock.now())
            let (first, second) = (try await MFATests.mfaToken(app, ann), try await MFATests.mfaToken(app, ann))
            let twoChallenges = try await TestApp.concurrently(2) { index in
                try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": index == 0 ? first : second, "code": next])
            }
            #expect(twoChallenges.filter { $0.status == .ok }.count == 1)

            let (third, fourth) = (try await MFATests.mfaToken(app, ann), try await MFATests.mfaToken(app, ann))
            let recovery = try await TestApp.concurrently(2) { index in
                try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": index == 0 ? third : fourth, "code": codes[0]])
            }
            #expect(recovery.filter { $0.status == .ok }.count == 1)
        }
    }

    /// The account's failure budget (10 per 15 minutes) holds for guesses sent at once: each spends its try before
    /// the password is checked (they used to check first, so all of them passed while none had failed yet).
    @Test func passwordGuessesSentAtOnceSpendTheAccountsBudget() async throws {
        try await TestApp.run(configure: { $0.loginAttemptsPerMinute = 1_000 }) { app in
            let ann = try await app.signup("Ann")
            let guesses = try await TestApp.concurrently(30) { index in
                try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": "wrong password \(index)"])
            }
            #expect(guesses.filter { $0.status == .unauthorized }.count == 10)
            #expect(guesses.filter { $0.status == .tooManyRequests }.count == 20)
            app.clock.advance(by: 15 * 60)
            #expect(try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password]).status == .ok)
        }
    }

    /// Wrong second factors count per account across challenges, and a correct password does not refill that
    /// budget: with the password alone one could otherwise open challenge after challenge, five guesses each.
    @Test func secondFactorGuessesAreBudgetedPerAccountAcrossChallenges() async throws {
        try await TestApp.run(configure: { $0.loginAttemptsPerMinute = 1_000 }) { app in
            let ann = try await app.signup("Ann")
            let (secret, _) = try await MFATests.enable(app, ann)
            app.clock.advance(by: 30)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 {
                let token = try await MFATests.mfaToken(app, ann)
                for _ in 0..<4 {
                    statuses.append(try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": token, "code": "000000"]).status)
                }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 10)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 2)
            let token = try await MFATests.mfaToken(app, ann)
            let code = TOTPVerifier.code(secret: secret, at: app.clock.now())
            try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": token, "code": code]).expectProblem(.tooManyRequests)
            app.clock.advance(by: 15 * 60)
            let later = try await MFATests.mfaToken(app, ann)
            let fresh = TOTPVerifier.code(secret: secret, at: app.clock.now())
            #expect(try await app.request(.post, "/v1/auth/mfa/verify", body: ["mfaToken": later, "code": fresh]).status == .ok)
        }
    }

    @Test func aPasswordChangeRevokesEveryOtherSessionHoweverMany() async throws {
        try await TestApp.run(configure: { $0.loginAttemptsPerMinute = 1_000 }) { app in
            let ann = try await app.signup("Ann")
            var refreshTokens: [String] = []
            for _ in 0..<205 {
                let login = try await app.request(.post, "/v1/auth/login", body: ["email": ann.email, "password": ann.password])
                try #require(login.status == .ok, "\(login.bodyString)")
                refreshTokens.append(try #require(try login.object()["refreshToken"] as? String))
            }
            let changed = try await app.request(
                .post, "/v1/auth/password", token: ann.accessToken,
                body: ["currentPassword": ann.password, "newPassword": "a different horse battery staple"])
            #expect(changed.status == .noContent, "\(changed.bodyString)")

            let sessions = try await app.request(.get, "/v1/auth/sessions", token: ann.accessToken)
            #expect(try sessions.items().count == 1)
            var refreshed = 0
            for token in refreshTokens where try await app.request(.post, "/v1/auth/refresh", body: ["refreshToken": token]).status == .ok {
                refreshed += 1
            }
            #expect(refreshed == 0)
        }
    }
}
