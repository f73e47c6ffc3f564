import AcmeCore
import AcmeDatabase
import AcmeServer
import AcmeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// PostgreSQL restarting and stopping under a running server. Needs its own cluster (a restart would disturb
/// every other test), which `scripts/test` starts: ACME_TEST_FAULT_DATABASE_URL names it and
/// ACME_TEST_FAULT_PG_CTL is the pg_ctl command line for it (`… pg_ctl -D <dir>`).
@Suite(.enabled(if: FaultCluster.pgCtlCommand != nil && FaultCluster.databaseURL != nil,
    "set ACME_TEST_FAULT_DATABASE_URL and ACME_TEST_FAULT_PG_CTL (scripts/test does)"))
struct PostgresFaultTests {

    @Test func requestsDuringARestartOrOutageGet503AndThePoolReconnects() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("acme-fault-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        var config = TestApp.config(dataDir: dataDir)
        config.databaseURL = FaultCluster.databaseURL
        let schemaPrefix = "fault" + UUID().uuidString.prefix(8).lowercased()
        config.databaseSchemaPrefix = schemaPrefix
        let built = try await AcmeServer.build(config, clock: ManualWallClock(), logger: Logger(label: "test"))
        try await built.app.test(.router) { client in
            let signup = try await client.execute(
                uri: "/v1/auth/signup", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"email":"fault@example.com","password":"correct horse battery staple","name":"F"}"#))
            let token = try #require(try signup.object()["accessToken"] as? String)
            let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            /// A write that reaches the database every time; its status, or nil if it took longer than 20 s.
            @Sendable func createOrg(_ slug: String) async throws -> HTTPResponse.Status? {
                try await Self.withDeadline(.seconds(20)) {
                    let response = try await client.execute(
                        uri: "/v1/orgs", method: .post, headers: headers,
                        body: ByteBuffer(string: #"{"name":"Org","slug":"\#(slug)","region":"us-east"}"#))
                    if response.status != .created {
                        #expect(response.status == .serviceUnavailable, "\(response.status): \(response.bodyString)")
                        #expect(response.headers[.contentType] == "application/problem+json")
                    }
                    return response.status
                }
            }
            #expect(try await createOrg("before") == .created)

            // A session of our own locks the orgs table, so the writers' INSERTs wait inside PostgreSQL and the
            // restart certainly finds statements in flight (without it, all four writers could be between
            // statements at that moment: a CI run once saw no 503 at all).
            let orgs = "\(schemaPrefix)_user.orgs"
            let locker = Task { await FaultCluster.psql("BEGIN; LOCK TABLE \(orgs) IN SHARE MODE; SELECT pg_sleep(120)") }
            var locked = false
            for _ in 0..<200 where !locked {
                locked = await FaultCluster.psql("""
                    DO $$ BEGIN
                      IF NOT EXISTS (SELECT 1 FROM pg_locks WHERE relation = '\(orgs)'::regclass AND mode = 'ShareLock' AND granted)
                      THEN RAISE EXCEPTION 'not locked yet'; END IF;
                    END $$
                    """) == 0
                if !locked { try await Task.sleep(for: .milliseconds(50)) }
            }
            try #require(locked, "the orgs table was not locked within 10 s")

            // Four clients keep writing until the cluster has restarted (and a little longer): requests in flight
            // when the server goes away fail with 503, none hangs, and the rest succeed.
            let restarted = RestartFlag()
            let statuses = try await withThrowingTaskGroup(of: [HTTPResponse.Status?].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var statuses: [HTTPResponse.Status?] = []
                        var after = 0
                        for index in 0..<100_000 where after < 20 {
                            statuses.append(try await createOrg("w\(worker)-\(index)"))
                            if restarted.isSet { after += 1 }
                        }
                        return statuses
                    }
                }
                try await Task.sleep(for: .milliseconds(300))  // for the writers' INSERTs to reach the lock
                #expect(try await FaultCluster.pgCtl("-m fast -w -t 60 restart") == 0)
                restarted.set()
                return try await group.reduce(into: []) { $0 += $1 }
            }
            _ = await locker.value  // ended by the restart
            #expect(!statuses.contains(nil), "a request hung during the restart")
            #expect(statuses.contains(.serviceUnavailable), "the restart went unnoticed")
            #expect(try await createOrg("after-restart") == .created)

            // With the server down, requests fail fast with 503 instead of waiting for it.
            #expect(try await FaultCluster.pgCtl("-m fast -w -t 60 stop") == 0)
            #expect(try await createOrg("while-down") == .serviceUnavailable)
            #expect(try await FaultCluster.pgCtl("-w -t 60 start") == 0)
            // The pool reconnects by itself.
            var recovered = false
            for attempt in 0..<50 where !recovered {
                recovered = try await createOrg("recovered-\(attempt)") == .created
                if !recovered { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(recovered)
        }
    }

    /// `body`'s result, or nil when it takes longer than `limit` (the test then fails instead of hanging).
    static func withDeadline<T: Sendable>(
        _ limit: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask { try await Task.sleep(for: limit); return nil }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

/// The fault-test cluster named by the environment.
enum FaultCluster {
    static let pgCtlCommand = ProcessInfo.processInfo.environment["ACME_TEST_FAULT_PG_CTL"]
    static let databaseURL: DatabaseURL? = ProcessInfo.processInfo.environment["ACME_TEST_FAULT_DATABASE_URL"].flatMap { try? DatabaseURL($0) }

    /// Runs pg_ctl with `arguments` and returns its exit status.
    static func pgCtl(_ arguments: String) async throws -> Int32 {
        await Shell.run((pgCtlCommand ?? "false") + " " + arguments)
    }

    /// Runs `sql` with psql on the cluster's database and returns psql's exit status (non-zero if `sql` failed).
    static func psql(_ sql: String) async -> Int32 {
        let url = ProcessInfo.processInfo.environment["ACME_TEST_FAULT_DATABASE_URL"] ?? ""
        return await Shell.run(arguments: ["psql", "--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
    }
}

/// Set once the cluster's restart has finished, read by the writers.
private final class RestartFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
