import AcmeCore
import AcmeDatabase
import Configuration
import Logging

/// Everything `acme-server` can be told, in one typed value.
///
/// Read from (first match wins) command-line flags, `ACME_…` environment variables, then an optional
/// JSON file; see `acme-server --help`.
public struct AcmeConfig: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Where the embedded backends keep their files (one SQLite database per service, the event log).
    public var dataDir = "./data"
    public var bcryptCost = 12
    public var logLevel: Logger.Level = .info
    /// Sustained requests per second per client address; 0 turns the limit off.
    public var rateLimit = 100
    public var rateLimitBurst = 200
    /// Login attempts per client address per minute.
    public var loginAttemptsPerMinute = 20
    /// Sign-ups per client address per hour.
    public var signupsPerHour = 20
    /// Origins allowed by CORS; empty allows any origin (credentials travel in headers, not cookies).
    public var corsOrigins: [String] = []
    /// `full` fsyncs every commit; `normal` trades the last commits on power loss for write speed.
    public var sqliteDurability: SQLiteDatabasePool.Durability = .full
    /// Partitions per topic on the embedded event log, and of the topics created on Kafka.
    public var eventPartitions = 3
    /// The embedded log (default) or Kafka: `event.bus` (`embedded` or `kafka://host:port[,host:port]`),
    /// else `kafka.brokers` (`host:port[,host:port]`) if set.
    public var eventBus: EventBusSetting = .embedded
    /// Further librdkafka properties for every Kafka client, `kafka.properties` as `key=value,key=value`
    /// (TLS or SASL settings, or `fetch.wait.max.ms` on a broker that answers held fetches at once); they
    /// override the defaults of `KafkaConfiguration`. A secret: SASL passwords go here.
    public var kafkaProperties: [String: String] = [:]
    /// Base64 AES-256 key that seals stored secrets (TOTP seeds, signing keys). When unset, the embedded
    /// server creates one in `<dataDir>/secrets.key` (mode 0600); production passes it from a secret store.
    public var secretsKey: String?
    /// PostgreSQL server for every service (each in its own database, `acme_<service>`, created if missing);
    /// nil keeps the embedded SQLite files. The URL's database is only used to create the others.
    public var databaseURL: DatabaseURL?
    /// A service's own database, overriding `databaseURL` (Billing's PCI database, for one).
    public var serviceDatabaseURLs: [String: DatabaseURL] = [:]
    /// Connections per service pool.
    public var databasePoolSize = 10
    public var statementTimeoutSeconds = 30
    /// Apply pending migrations at start (`--no-migrate` leaves it to `acme-server migrate`).
    public var runMigrations = true
    /// Tests: every service in its own schema `<prefix>_<service>` of `databaseURL`'s database, instead of
    /// a database each.
    public var databaseSchemaPrefix: String?

    /// The databases that can have their own URL: one per service, and the embedded event log's.
    public static var services: [String] { AcmeServer.serviceMigrations.map(\.name) }

    public init() {}

    /// Reads every setting from `reader`, keeping the defaults for what it does not have.
    public init(reader: ConfigReader) throws {
        self.init()
        host = reader.string(forKey: "host", default: host)
        port = reader.int(forKey: "port", default: port)
        dataDir = reader.string(forKey: "data.dir", default: dataDir)
        bcryptCost = reader.int(forKey: "bcrypt.cost", default: bcryptCost)
        let level = reader.string(forKey: "log.level", default: logLevel.rawValue)
        guard let parsedLevel = Logger.Level(rawValue: level) else {
            throw ConfigError.invalid("log level", level, "trace, debug, info, notice, warning, error, critical")
        }
        logLevel = parsedLevel
        rateLimit = reader.int(forKey: "rate.limit", default: rateLimit)
        rateLimitBurst = reader.int(forKey: "rate.limit.burst", default: rateLimitBurst)
        loginAttemptsPerMinute = reader.int(forKey: "login.attempts.per.minute", default: loginAttemptsPerMinute)
        signupsPerHour = reader.int(forKey: "signups.per.hour", default: signupsPerHour)
        corsOrigins = reader.stringArray(forKey: "cors.origins", default: corsOrigins)
        let durability = reader.string(forKey: "sqlite.durability", default: sqliteDurability.rawValue)
        guard let parsedDurability = SQLiteDatabasePool.Durability(rawValue: durability) else {
            throw ConfigError.invalid("SQLite durability", durability, "full, normal")
        }
        sqliteDurability = parsedDurability
        eventPartitions = reader.int(forKey: "event.partitions", default: eventPartitions)
        if let bus = reader.string(forKey: "event.bus") {
            eventBus = try EventBusSetting(parsing: bus)
        } else if let brokers = reader.string(forKey: "kafka.brokers") {
            eventBus = .kafka(brokers: try EventBusSetting.brokers(brokers))
        }
        if let properties = reader.string(forKey: "kafka.properties", isSecret: true) {
            kafkaProperties = try Self.kafkaProperties(parsing: properties)
        }
        secretsKey = reader.string(forKey: "secrets.key", isSecret: true)
        do {
            if let url = reader.string(forKey: "database.url", isSecret: true) { databaseURL = try DatabaseURL(url) }
            for service in Self.services {
                if let url = reader.string(forKey: ConfigKey([service, "database", "url"]), isSecret: true) {
                    serviceDatabaseURLs[service] = try DatabaseURL(url)
                }
            }
        } catch {
            throw ConfigError.invalid("database URL", "(hidden)", error.description)
        }
        databasePoolSize = reader.int(forKey: "database.pool.size", default: databasePoolSize)
        statementTimeoutSeconds = reader.int(forKey: "database.statement.timeout", default: statementTimeoutSeconds)
        runMigrations = !reader.bool(forKey: "no.migrate", default: false)
        try validate()
    }

    /// `key=value,key=value` (values may contain `=`, not `,`); the values stay out of the error, which the
    /// log shows.
    static func kafkaProperties(parsing text: String) throws(ConfigError) -> [String: String] {
        var properties: [String: String] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let key = parts.first, !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" })
            else { throw .invalid("Kafka property", entry.split(separator: "=").first.map(String.init) ?? "", "key=value,key=value") }
            properties[key] = parts[1]
        }
        return properties
    }

    public func validate() throws {
        guard (0...65_535).contains(port) else { throw ConfigError.invalid("port", "\(port)", "0–65535") }
        guard (4...31).contains(bcryptCost) else { throw ConfigError.invalid("bcrypt cost", "\(bcryptCost)", "4–31") }
        guard rateLimit >= 0, rateLimitBurst >= 0 else { throw ConfigError.invalid("rate limit", "\(rateLimit)", "0 or more") }
        guard loginAttemptsPerMinute > 0 else { throw ConfigError.invalid("login attempts per minute", "\(loginAttemptsPerMinute)", "1 or more") }
        guard signupsPerHour > 0 else { throw ConfigError.invalid("signups per hour", "\(signupsPerHour)", "1 or more") }
        guard (1...64).contains(eventPartitions) else { throw ConfigError.invalid("event partitions", "\(eventPartitions)", "1–64") }
        guard !dataDir.isEmpty else { throw ConfigError.invalid("data directory", "", "a path") }
        guard (1...200).contains(databasePoolSize) else { throw ConfigError.invalid("database pool size", "\(databasePoolSize)", "1–200") }
        guard (1...3600).contains(statementTimeoutSeconds) else {
            throw ConfigError.invalid("statement timeout", "\(statementTimeoutSeconds)", "1–3600 seconds")
        }
    }
}

public enum ConfigError: Error, Equatable, CustomStringConvertible {
    case invalid(String, String, String)
    /// Kafka was asked for, but this binary was built without the `Kafka` trait (and so without librdkafka).
    case kafkaUnsupported

    public var description: String {
        switch self {
        case .invalid(let setting, let value, let allowed): "invalid \(setting) '\(value)'; expected \(allowed)"
        case .kafkaUnsupported: "this build has no Kafka support; build with --traits Kafka"
        }
    }
}
