import AcmeCore
import Logging
import SQLKit

/// Applies a service's pending migrations and records them in `acme_migrations`.
///
/// All pending migrations run in one transaction (both backends have transactional DDL), so a crash leaves
/// all or none of them. On PostgreSQL the transaction first takes an advisory lock named after the table,
/// so instances starting at once apply each migration exactly once: the second waits, then finds nothing
/// left to do.
public struct Migrator: Sendable {
    public static let table = "acme_migrations"
    /// `pg_advisory_xact_lock` key: "acme" in ASCII.
    static let lockKey: Int64 = 0x61636D65

    public let database: any Database
    public let migrations: [any Migration]
    public let logger: Logger

    public init(database: any Database, migrations: [any Migration], logger: Logger) {
        self.database = database
        self.migrations = migrations
        self.logger = logger
    }

    /// Names of the migrations already applied.
    public func applied() async throws -> Set<String> {
        try await database.transaction { db in
            try await Self.ensureTable(db)
            return try await Self.applied(db)
        }
    }

    /// Applies what is missing; returns the names applied now.
    @discardableResult
    public func migrate() async throws -> [String] {
        let appliedNow = try await database.transaction { db -> [String] in
            if db.isPostgres {
                try await db.raw("SELECT pg_advisory_xact_lock(\(bind: Self.lockKey))").run()
            }
            try await Self.ensureTable(db)
            let done = try await Self.applied(db)
            var appliedNow: [String] = []
            for migration in migrations where !done.contains(migration.name) {
                try await migration.prepare(on: db)
                try await db.insert(into: Self.table)
                    .columns("name", "applied_at")
                    .values(SQLBind(migration.name), SQLBind(Timestamp.millis(.now)))
                    .run()
                appliedNow.append(migration.name)
            }
            return appliedNow
        }
        for name in appliedNow {
            logger.info("migration applied", metadata: ["database": "\(database.name)", "migration": "\(name)"])
        }
        return appliedNow
    }

    private static func ensureTable(_ db: any SQLDatabase) async throws {
        try await db.create(table: table).ifNotExists()
            .column("name", type: .text, .primaryKey(autoIncrement: false))
            .column("applied_at", type: .bigint, .notNull)
            .run()
    }

    private static func applied(_ db: any SQLDatabase) async throws -> Set<String> {
        Set(try await db.select().column("name").from(table).all().map { try $0.decode(column: "name", as: String.self) })
    }
}

extension SQLDatabase {
    /// Whether this is PostgreSQL, for the few statements that differ (extensions, identity columns).
    public var isPostgres: Bool { dialect.name == "postgresql" }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
