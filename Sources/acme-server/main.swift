import AcmeCore
import AcmeServer
import ArgumentParser
import Configuration
import Foundation
import Logging
import SystemPackage

/// `acme-server`: parses the command line, reads the configuration and runs the platform.
@main
struct AcmeServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acme-server",
        abstract: "Run the Acme platform: every service in one process, on embedded storage by default.",
        discussion: """
            Settings come from these flags, then ACME_* environment variables (shown with each flag), then \
            the JSON file given with --config (keys as in the variable names, lowercased and dotted: \
            {"port": 8080, "data": {"dir": "/var/lib/acme"}}), then the defaults. A service can have its own \
            PostgreSQL database with ACME_<SERVICE>_DATABASE_URL (e.g. ACME_AUTH_DATABASE_URL).
            """,
        subcommands: [Migrate.self, Events.self, SearchCommand.self])

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let settings = try await options.settings()
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: settings.logLevel) }
        let app = try await AcmeServer.buildApplication(settings)
        try await app.runService()
    }
}

/// `acme-server migrate [up|status]`
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply or list database migrations (creating PostgreSQL databases that are missing).",
        subcommands: [Up.self, Status.self], defaultSubcommand: Up.self)

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply every pending migration.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            let settings = try await options.settings()
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: .warning) }
            for (database, applied) in try await AcmeServer.migrate(settings, logger: Logger(label: "acme-migrate")) {
                print("\(database): " + (applied.isEmpty ? "up to date" : "applied \(applied.joined(separator: ", "))"))
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List applied and pending migrations.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            let settings = try await options.settings()
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: .warning) }
            for (database, applied, pending) in try await AcmeServer.migrationStatus(settings, logger: Logger(label: "acme-migrate")) {
                print("\(database): \(applied.count) applied" + (pending.isEmpty ? "" : ", pending: \(pending.joined(separator: ", "))"))
            }
        }
    }
}

/// `acme-server events tail --topic T [--from-beginning]`
struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Inspect the event bus.", subcommands: [Tail.self])

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a topic's events as JSON lines, following new ones (reads outside any consumer group).")
        @Option(help: "The topic, e.g. acme.users.events.") var topic: String
        @Flag(help: "Start at the oldest retained event instead of the end.") var fromBeginning = false
        @Option(help: "Exit after this many events.") var maxEvents: Int?
        @OptionGroup var options: ServerOptions

        func validate() throws {
            guard !topic.isEmpty else { throw ValidationError("--topic must not be empty") }
            if let maxEvents, maxEvents < 1 { throw ValidationError("--max-events must be 1 or more") }
        }

        func run() async throws {
            let settings = try await options.settings()
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: .warning) }
            let tail = EventTail(topic: topic, fromBeginning: fromBeginning, maxEvents: maxEvents)
            try await tail.run(settings, logger: Logger(label: "acme-events")) { line in
                // Unbuffered, so a pipe (`| jq`) sees each event at once.
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        }
    }
}

/// `acme-server search reindex`
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Maintain the search index.", subcommands: [Reindex.self])

    struct Reindex: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild the search index from the retained event log (a running server keeps serving).")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            let settings = try await options.settings()
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: .warning) }
            let read = try await AcmeServer.reindexSearch(settings, logger: Logger(label: "acme-search"))
            print("search index rebuilt from \(read) events")
        }
    }
}

/// Every setting as a flag; unset flags fall through to the environment, the file and the defaults.
struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on. [env: ACME_HOST] (default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one. [env: ACME_PORT] (default: 8080)")
    var port: Int?

    @Option(help: "Directory for the embedded databases and event log. [env: ACME_DATA_DIR] (default: ./data)")
    var dataDir: String?

    @Option(help: "PostgreSQL server for every service, postgres://user:password@host:port/database?sslmode=…; each service gets its own database acme_<service>. Default: embedded SQLite. [env: ACME_DATABASE_URL]")
    var database: String?

    @Option(help: "Connections per service database pool, 1–200. [env: ACME_DATABASE_POOL_SIZE] (default: 10)")
    var databasePoolSize: Int?

    @Option(help: "Statement timeout in seconds (PostgreSQL). [env: ACME_DATABASE_STATEMENT_TIMEOUT] (default: 30)")
    var statementTimeout: Int?

    @Flag(help: "Do not apply migrations at start; run `acme-server migrate` instead. [env: ACME_NO_MIGRATE]")
    var noMigrate = false

    @Option(help: "bcrypt work factor for passwords, 4–31; below 12 only for tests. [env: ACME_BCRYPT_COST] (default: 12)")
    var bcryptCost: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical. [env: ACME_LOG_LEVEL] (default: info)")
    var logLevel: String?

    @Option(help: "Requests per second per client address; 0 disables the limit. [env: ACME_RATE_LIMIT] (default: 100)")
    var rateLimit: Int?

    @Option(help: "Burst allowance of the per-client limit. [env: ACME_RATE_LIMIT_BURST] (default: 200)")
    var rateLimitBurst: Int?

    @Option(help: "Login attempts per client address per minute. [env: ACME_LOGIN_ATTEMPTS_PER_MINUTE] (default: 20)")
    var loginAttemptsPerMinute: Int?

    @Option(help: "Sign-ups per client address per hour. [env: ACME_SIGNUPS_PER_HOUR] (default: 20)")
    var signupsPerHour: Int?

    @Option(help: "Comma-separated origins allowed by CORS; empty allows any. [env: ACME_CORS_ORIGINS]")
    var corsOrigins: String?

    @Option(help: "SQLite commit durability: full (fsync every commit) or normal. [env: ACME_SQLITE_DURABILITY] (default: full)")
    var sqliteDurability: String?

    @Option(help: "Partitions per topic on the embedded event log (and of topics created on Kafka), 1–64. [env: ACME_EVENT_PARTITIONS] (default: 3)")
    var eventPartitions: Int?

    @Option(help: "Event bus: embedded, or kafka://host:port[,host:port] (needs a build with --traits Kafka); ACME_KAFKA_BROKERS=host:port[,host:port] also selects Kafka. [env: ACME_EVENT_BUS] (default: embedded)")
    var eventBus: String?

    @Option(help: "Further librdkafka properties, key=value,key=value (e.g. security.protocol=ssl); they override the defaults. [env: ACME_KAFKA_PROPERTIES]")
    var kafkaProperties: String?

    @Option(help: "Base64 AES-256 key sealing stored secrets; default: a key file in the data directory. [env: ACME_SECRETS_KEY]")
    var secretsKey: String?

    @Option(help: "JSON configuration file, read after flags and environment. [env: ACME_CONFIG]")
    var config: String?

    func settings() async throws -> AcmeConfig {
        let environment = EnvironmentVariablesProvider().prefixKeys(with: "acme")
        var providers: [any ConfigProvider] = [InMemoryProvider(name: "flags", values: flagValues()), environment]
        if let file = config ?? ConfigReader(provider: environment).string(forKey: "config") {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(file)))
        }
        do {
            return try AcmeConfig(reader: ConfigReader(providers: providers))
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
    }

    private func flagValues() -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        func set(_ key: String, _ content: ConfigContent?, secret: Bool = false) {
            if let content { values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(content, isSecret: secret) }
        }
        set("host", host.map { .string($0) })
        set("port", port.map { .int($0) })
        set("data.dir", dataDir.map { .string($0) })
        set("database.url", database.map { .string($0) }, secret: true)
        set("database.pool.size", databasePoolSize.map { .int($0) })
        set("database.statement.timeout", statementTimeout.map { .int($0) })
        if noMigrate { set("no.migrate", .bool(true)) }
        set("bcrypt.cost", bcryptCost.map { .int($0) })
        set("log.level", logLevel.map { .string($0) })
        set("rate.limit", rateLimit.map { .int($0) })
        set("rate.limit.burst", rateLimitBurst.map { .int($0) })
        set("login.attempts.per.minute", loginAttemptsPerMinute.map { .int($0) })
        set("signups.per.hour", signupsPerHour.map { .int($0) })
        set("cors.origins", corsOrigins.map { .stringArray($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) })
        set("sqlite.durability", sqliteDurability.map { .string($0) })
        set("event.partitions", eventPartitions.map { .int($0) })
        set("event.bus", eventBus.map { .string($0) })
        set("kafka.properties", kafkaProperties.map { .string($0) }, secret: true)
        set("secrets.key", secretsKey.map { .string($0) }, secret: true)
        return values
    }
}
