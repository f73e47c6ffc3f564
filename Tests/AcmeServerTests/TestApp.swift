import AcmeCore
import AcmeDatabase
import AcmeEvents
import AcmeServer
import Auth
import Gateway
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Builds the whole server on a fresh temporary data directory, runs `body` against it through
/// Hummingbird's in-process test client, and removes the directory afterwards.
struct TestApp {
    let client: any TestClientProtocol
    let routes: [RouteRecorder.Route]
    let auth: AuthService
    let eventLog: any EventBus
    let clock: ManualWallClock
    let dataDir: String
    /// On PostgreSQL: this run's schemas are `<prefix>_<service>`.
    let schemaPrefix: String?

    /// The backend the suite runs on: embedded SQLite, or PostgreSQL when `ACME_TEST_DATABASE_URL` names a
    /// server (scripts/test runs the suite once each way). On PostgreSQL every run gets its own schemas.
    static let postgresURL: DatabaseURL? = ProcessInfo.processInfo.environment["ACME_TEST_DATABASE_URL"].flatMap { try? DatabaseURL($0) }

    static func config(dataDir: String) -> AcmeConfig {
        var config = AcmeConfig()
        config.dataDir = dataDir
        config.port = 0
        config.bcryptCost = 4
        config.rateLimit = 0
        config.signupsPerHour = 10_000
        config.sqliteDurability = .normal
        config.logLevel = .warning
        if let postgresURL {
            config.databaseURL = postgresURL
            config.databaseSchemaPrefix = "t" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
            config.databasePoolSize = 2
        }
        return config
    }

    /// Servers running at once on PostgreSQL: each opens a pool per service, and the test cluster's
    /// connection limit is finite (SQLite needs no limit).
    static let postgresSlots = AsyncSemaphore(permits: 8)

    static func run<T: Sendable>(
        configure: (inout AcmeConfig) -> Void = { _ in }, _ body: @Sendable (TestApp) async throws -> T
    ) async throws -> T {
        guard postgresURL != nil else { return try await runOnce(configure: configure, body) }
        return try await postgresSlots.withPermit { try await runOnce(configure: configure, body) }
    }

    private static func runOnce<T: Sendable>(
        configure: (inout AcmeConfig) -> Void, _ body: @Sendable (TestApp) async throws -> T
    ) async throws -> T {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("acme-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        var config = Self.config(dataDir: dataDir)
        configure(&config)
        let clock = ManualWallClock()
        let built = try await AcmeServer.build(config, clock: clock, logger: Logger(label: "test"))
        let (routes, auth, eventLog, prefix) = (built.routes, built.auth, built.eventLog, config.databaseSchemaPrefix)
        do {
            let result = try await built.app.test(.router) { client in
                try await body(TestApp(client: client, routes: routes, auth: auth, eventLog: eventLog, clock: clock, dataDir: dataDir, schemaPrefix: prefix))
            }
            if let prefix { await dropSchemas(prefix: prefix) }
            return result
        } catch {
            if let prefix { await dropSchemas(prefix: prefix) }
            throw error
        }
    }

    /// Removes a PostgreSQL run's schemas (best effort: the test cluster is thrown away anyway).
    static func dropSchemas(prefix: String) async {
        guard let postgresURL,
            let admin = try? await PostgresDatabasePool.open(name: "cleanup", url: postgresURL, maxConnections: 1, logger: Logger(label: "test"))
        else { return }
        for service in AcmeConfig.services {
            try? await admin.read { db in try await db.raw("DROP SCHEMA IF EXISTS \(ident: prefix + "_" + service) CASCADE").run() }
        }
        try? await admin.close()
    }

    // MARK: Requests

    @discardableResult
    func request(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.execute(
            uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { $0 }
    }

    func request<Body: Encodable>(_ method: HTTPRequest.Method, _ path: String, token: String? = nil, body: Body) async throws -> TestResponse {
        let data = try JSONEncoder().encode(body)
        return try await request(method, path, token: token, json: String(decoding: data, as: UTF8.self))
    }

    /// Sends `count` requests at once and returns their responses (in completion order).
    static func concurrently(_ count: Int, _ request: @escaping @Sendable (Int) async throws -> TestResponse) async throws -> [TestResponse] {
        try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for index in 0..<count { group.addTask { try await request(index) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    // MARK: Fixtures

    struct Account: Sendable {
        var id: String
        var email: String
        var password: String
        var accessToken: String
        var refreshToken: String
    }

    static let password = "correct horse battery staple"

    func signup(_ name: String, email: String? = nil, password: String = TestApp.password) async throws -> Account {
        let email = email ?? "\(name.lowercased())-\(UUID().uuidString.prefix(8))@example.com"
        let response = try await request(.post, "/v1/auth/signup", body: ["email": email, "password": password, "name": name])
        try #require(response.status == .created, "signup failed: \(response.bodyString)")
        let json = try response.object()
        let user = try #require(json["user"] as? [String: Any])
        return Account(
            id: try #require(user["id"] as? String), email: email, password: password,
            accessToken: try #require(json["accessToken"] as? String), refreshToken: try #require(json["refreshToken"] as? String))
    }

    func createOrg(_ owner: Account, slug: String = "org-\(UUID().uuidString.prefix(8).lowercased())") async throws -> String {
        let response = try await request(.post, "/v1/orgs", token: owner.accessToken, body: ["name": "Org \(slug)", "slug": slug, "region": "us-east"])
        try #require(response.status == .created, "org creation failed: \(response.bodyString)")
        return try #require(try response.object()["id"] as? String)
    }

    func createProject(_ creator: Account, in orgId: String, key: String, name: String? = nil, visibility: String = "org") async throws -> String {
        let response = try await request(
            .post, "/v1/orgs/\(orgId)/projects", token: creator.accessToken,
            body: ["name": name ?? "Project \(key)", "key": key, "visibility": visibility])
        try #require(response.status == .created, "project creation failed: \(response.bodyString)")
        return try #require(try response.object()["id"] as? String)
    }

    func setProjectRole(_ user: Account, in projectId: String, role: String, by admin: Account) async throws {
        let response = try await request(.put, "/v1/projects/\(projectId)/members/\(user.id)", token: admin.accessToken, body: ["role": role])
        try #require(response.status == .created || response.status == .ok, "project member failed: \(response.bodyString)")
    }

    /// Invites `user` into `orgId` as `role` (by `inviter`) and accepts.
    func addMember(_ user: Account, to orgId: String, role: String, by inviter: Account) async throws {
        let invite = try await request(.post, "/v1/orgs/\(orgId)/invitations", token: inviter.accessToken, body: ["email": user.email, "role": role])
        try #require(invite.status == .created, "invite failed: \(invite.bodyString)")
        let token = try #require(try invite.object()["token"] as? String)
        let accept = try await request(.post, "/v1/invitations/\(token)/accept", token: user.accessToken)
        try #require(accept.status == .ok, "accept failed: \(accept.bodyString)")
    }
}

extension TestResponse {
    var bodyString: String { String(buffer: body) }

    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any], "not a JSON object: \(bodyString)")
    }

    func items() throws -> [[String: Any]] {
        try #require(try object()["items"] as? [[String: Any]])
    }

    /// Asserts a problem+json error with this status and returns its body.
    @discardableResult
    func expectProblem(_ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(self.status == status, "expected \(status.code), got \(self.status.code): \(bodyString)", sourceLocation: sourceLocation)
        #expect(headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let json = try object()
        #expect(json["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
        #expect((json["type"] as? String)?.hasPrefix("https://acme.dev/problems/") == true, sourceLocation: sourceLocation)
        return json
    }

    /// The `field` names in a validation problem's `errors[]`.
    func errorFields() throws -> Set<String> {
        Set(((try object()["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String })
    }
}

import NIOFoundationCompat
