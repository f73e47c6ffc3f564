import AcmeCore
import AcmeDatabase
import Foundation
import Logging
import PostgresNIO
import SQLKit

extension AcmeServer {
    /// Opens service `name`'s database (embedded SQLite, or PostgreSQL when configured) and migrates it
    /// unless migrations are left to `acme-server migrate`.
    static func open(_ name: String, config: AcmeConfig, migrations: [any Migration], logger: Logger) async throws -> any Database {
        let database = try await connect(name, config: config, logger: logger)
        do {
            if config.runMigrations {
                try await Migrator(database: database, migrations: migrations, logger: logger).migrate()
            }
        } catch {
            try? await database.close()
            throw error
        }
        return database
    }

    static func connect(_ name: String, config: AcmeConfig, logger: Logger) async throws -> any Database {
        func postgres(_ url: DatabaseURL, schema: String? = nil) async throws -> any Database {
            try await PostgresDatabasePool.open(
                name: name, url: url, schema: schema, maxConnections: config.databasePoolSize,
                statementTimeout: .seconds(config.statementTimeoutSeconds), logger: logger)
        }
        if let url = config.serviceDatabaseURLs[name] { return try await postgres(url) }
        if let server = config.databaseURL {
            if let prefix = config.databaseSchemaPrefix { return try await postgres(server, schema: "\(prefix)_\(name)") }
            let url = server.with(database: "acme_\(name)")
            try await createDatabaseIfMissing(url.database, on: server, logger: logger)
            return try await postgres(url)
        }
        let path = URL(fileURLWithPath: config.dataDir).appendingPathComponent("\(name).sqlite").path
        return try await SQLiteDatabasePool.open(name: name, path: path, durability: config.sqliteDurability, logger: logger)
    }

    /// `CREATE DATABASE` through the server URL's own database (it cannot run inside a transaction).
    static func createDatabaseIfMissing(_ database: String, on server: DatabaseURL, logger: Logger) async throws {
        let admin = try await PostgresDatabasePool.open(name: "admin", url: server, maxConnections: 1, logger: logger)
        do {
            let exists = try await admin.read { db in
                try await db.raw("SELECT 1 AS found FROM pg_database WHERE datname = \(bind: database)").first() != nil
            }
            if !exists {
                do {
                    try await admin.read { db in try await db.raw("CREATE DATABASE \(ident: database)").run() }
                    logger.info("database created", metadata: ["database": "\(database)"])
                } catch AcmeError.conflict {
                    // Another instance created it first.
                }
            }
        } catch {
            try? await admin.close()
            throw error
        }
        try await admin.close()
    }
}
