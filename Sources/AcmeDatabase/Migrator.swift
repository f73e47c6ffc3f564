import AcmeCore
import Logging
import SQLKit

/// Applies a service's pending migrations, each in its own transaction together with its record in
/// `acme_migrations`, so a crash leaves either the whole migration or none of it.
public struct Migrator: Sendable {
    public static let table = "acme_migrations"

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
        try await ensureTable()
        let rows = try await database.read { db in
            try await db.select().column("name").from(Self.table).all()
        }
        return Set(try rows.map { try $0.decode(column: "name", as: String.self) })
    }

    /// Applies what is missing; returns the names applied now.
    @discardableResult
    public func migrate() async throws -> [String] {
        let done = try await applied()
        var appliedNow: [String] = []
        for migration in migrations where !done.contains(migration.name) {
            try await database.transaction { db in
                try await migration.prepare(on: db)
                try await db.insert(into: Self.table)
                    .columns("name", "applied_at")
                    .values(SQLBind(migration.name), SQLBind(Timestamp.millis(.now)))
                    .run()
            }
            logger.info("migration applied", metadata: ["database": "\(database.name)", "migration": "\(migration.name)"])
            appliedNow.append(migration.name)
        }
        return appliedNow
    }

    private func ensureTable() async throws {
        try await database.transaction { db in
            try await db.create(table: Self.table).ifNotExists()
                .column("name", type: .text, .primaryKey(autoIncrement: false))
                .column("applied_at", type: .bigint, .notNull)
                .run()
        }
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
