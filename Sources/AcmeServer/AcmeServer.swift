import AcmeCore
import AcmeDatabase
import AcmeEvents
import Auth
import Document
import Foundation
import Gateway
import Hummingbird
import Logging
import Project
import Search
import ServiceLifecycle
import User

/// The composition root: builds every service from the configuration and wires them into one
/// Hummingbird application.
public enum AcmeServer {
    public typealias App = Application<RouterResponder<AcmeRequestContext>>

    /// The built application and the routes it serves (for the OpenAPI conformance test).
    public struct Built {
        public var app: App
        public var routes: [RouteRecorder.Route]
        public var auth: AuthService
        public var users: UserService
        public var projects: ProjectService
        public var documents: DocumentService
        public var search: SearchService
        /// The event bus: the embedded log, or Kafka when configured.
        public var eventLog: any EventBus
    }

    public static func buildApplication(_ config: AcmeConfig, clock: any WallClock = SystemWallClock(), logger: Logger? = nil) async throws -> App {
        try await build(config, clock: clock, logger: logger).app
    }

    public static func build(_ config: AcmeConfig, clock: any WallClock = SystemWallClock(), logger: Logger? = nil) async throws -> Built {
        try config.validate()
        var logger = logger ?? Logger(label: "acme")
        logger.logLevel = config.logLevel
        try FileManager.default.createDirectory(atPath: config.dataDir, withIntermediateDirectories: true)

        var opened: [any Database] = []
        do {
            for (name, migrations) in serviceMigrations {
                opened.append(try await open(name, config: config, migrations: migrations, logger: logger))
            }
            return try await assemble(
                config, databases: Databases(
                    events: opened[0], user: opened[1], auth: opened[2], project: opened[3], document: opened[4], search: opened[5]),
                clock: clock, logger: logger)
        } catch {
            // SQLite connections must be closed explicitly, also when start-up fails halfway.
            for database in opened { try? await database.close() }
            throw error
        }
    }

    /// Each database (a service's, and the embedded event log's) with its migrations, in opening order.
    public static let serviceMigrations: [(name: String, migrations: [any Migration])] = [
        ("events", LocalEventLog.migrations), ("user", UserService.migrations), ("auth", AuthService.migrations),
        ("project", ProjectService.migrations), ("document", DocumentService.migrations), ("search", SearchService.migrations),
    ]

    /// `acme-server migrate`: applies pending migrations of every database; returns what it applied.
    public static func migrate(_ config: AcmeConfig, logger: Logger) async throws -> [(database: String, applied: [String])] {
        var result: [(String, [String])] = []
        for (name, migrations) in serviceMigrations {
            let database = try await connect(name, config: config, logger: logger)
            do {
                result.append((name, try await Migrator(database: database, migrations: migrations, logger: logger).migrate()))
            } catch {
                try? await database.close()
                throw error
            }
            try await database.close()
        }
        return result
    }

    /// `acme-server migrate status`: each database's applied and pending migrations.
    public static func migrationStatus(_ config: AcmeConfig, logger: Logger) async throws -> [(database: String, applied: [String], pending: [String])] {
        var result: [(String, [String], [String])] = []
        for (name, migrations) in serviceMigrations {
            let database = try await connect(name, config: config, logger: logger)
            let applied = try await Migrator(database: database, migrations: migrations, logger: logger).applied()
            try await database.close()
            let names = migrations.map(\.name)
            result.append((name, names.filter(applied.contains), names.filter { !applied.contains($0) }))
        }
        return result
    }

    /// One database per service (and one for the embedded event log).
    struct Databases {
        var events: any Database
        var user: any Database
        var auth: any Database
        var project: any Database
        var document: any Database
        var search: any Database

        var all: [(name: String, database: any Database)] {
            [("events", events), ("user", user), ("auth", auth), ("project", project), ("document", document), ("search", search)]
        }
    }

    static func assemble(_ config: AcmeConfig, databases: Databases, clock: any WallClock, logger: Logger) async throws -> Built {
        let userOutbox = Outbox(database: databases.user, clock: clock)
        let users = UserService(outbox: userOutbox, clock: clock, logger: logger)
        var authSettings = AuthService.Settings()
        authSettings.bcryptCost = config.bcryptCost
        authSettings.loginAttemptsPerAddress = config.loginAttemptsPerMinute
        authSettings.signupsPerAddress = config.signupsPerHour
        let authOutbox = Outbox(database: databases.auth, clock: clock)
        let auth = try await AuthService.start(
            outbox: authOutbox, users: users, secrets: try secretBox(config), settings: authSettings, clock: clock, logger: logger)
        let projectOutbox = Outbox(database: databases.project, clock: clock)
        let projects = ProjectService(outbox: projectOutbox, users: users, clock: clock, logger: logger)
        let documentOutbox = Outbox(database: databases.document, clock: clock)
        let documents = DocumentService(outbox: documentOutbox, projects: projects, clock: clock, logger: logger)
        let searchIndex = try await SearchService.index(on: databases.search)
        let search = SearchService(index: searchIndex, users: users, logger: logger)

        let router = Router(context: AcmeRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: CORSPolicyMiddleware(origins: config.corsOrigins))
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: ProblemMiddleware())
        if config.rateLimit > 0 {
            router.add(middleware: RateLimitMiddleware(requestsPerSecond: config.rateLimit, burst: config.rateLimitBurst, clock: clock))
        }
        router.add(middleware: AuthenticationMiddleware(authenticator: auth))

        let routes = RouteRecorder(router: router)
        HealthRoutes(checks: databases.all.map { entry in
            (entry.name, { try await entry.database.read { db in try await db.raw("SELECT 1").run() } })
        }).addRoutes(to: routes)
        try OpenAPIRoutes.load().addRoutes(to: routes)
        auth.addRoutes(to: routes)
        users.addRoutes(to: routes)
        projects.addRoutes(to: routes)
        documents.addRoutes(to: routes)
        search.addRoutes(to: routes)

        // Last of the steps that can fail, so a bus is never left open (a Kafka producer has a thread) by a failed start.
        let bus = try await eventBus(config, events: databases.events, logger: logger)
        // The server is the embedded log's one writer, so it may keep every partition's end in memory.
        try await (bus as? LocalEventLog)?.loadEnds()
        var services: [any Service] = [DatabaseCloser(databases: databases.all.map(\.database)), EventBusCloser(bus: bus)]
        for outbox in [authOutbox, userOutbox, projectOutbox, documentOutbox] {
            services.append(OutboxRelay(outbox: outbox, bus: bus, logger: logger))
        }
        services.append(contentsOf: users.consumers(bus: bus) as [any Service])
        services.append(contentsOf: projects.consumers(bus: bus) as [any Service])
        services.append(SearchIndexer(index: searchIndex, logger: logger).consumer(bus: bus))
        services.append(contentsOf: auth.backgroundServices)

        let app = Application(
            router: router,
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "acme"),
            services: services,
            logger: logger)
        return Built(app: app, routes: routes.routes, auth: auth, users: users, projects: projects, documents: documents, search: search, eventLog: bus)
    }

    /// The configured secrets key, or the data directory's own key file (created on first start).
    static func secretBox(_ config: AcmeConfig) throws -> SecretBox {
        if let key = config.secretsKey { return try SecretBox(base64Key: key) }
        let path = URL(fileURLWithPath: config.dataDir).appendingPathComponent("secrets.key").path
        if let existing = FileManager.default.contents(atPath: path) {
            return try SecretBox(base64Key: String(decoding: existing, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let key = SecretBox.generateKey()
        guard FileManager.default.createFile(atPath: path, contents: Data(key.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return try SecretBox(base64Key: key)
    }
}
