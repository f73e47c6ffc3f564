import AcmeDatabase
import AcmeTestSupport
import Foundation
import Logging
import Testing

/// A server that refuses the connection for good (no such database, a wrong password) ends the start at once
/// with the server's reason, instead of retrying for half a minute and reporting only "unavailable".
@Suite(.enabled(if: Scratch.postgresURL != nil, "PostgreSQL only (ACME_TEST_DATABASE_URL)"))
struct PostgresStartupTests {
    let url = Scratch.postgresURL!

    @Test func aMissingDatabaseStopsTheStartSayingSo() async throws {
        let missing = url.with(database: "acme_missing_\(UUID().uuidString.prefix(8).lowercased())")
        let refusal = try await #require(throws: DatabaseRefusal.self) {
            _ = try await PostgresDatabasePool.open(name: "missing", url: missing, logger: Logger(label: "test"))
        }
        #expect(refusal.description.contains("does not exist"), "\(refusal)")
        #expect(!refusal.description.contains("acme_pw"))
    }

    @Test func aWrongPasswordStopsTheStartSayingSo() async throws {
        var wrong = url
        wrong.password = "not-the-password"
        let refusal = try await #require(throws: DatabaseRefusal.self) {
            _ = try await PostgresDatabasePool.open(name: "wrong", url: wrong, logger: Logger(label: "test"))
        }
        #expect(refusal.description.contains("password authentication failed"), "\(refusal)")
        #expect(!refusal.description.contains("not-the-password"))
    }
}
