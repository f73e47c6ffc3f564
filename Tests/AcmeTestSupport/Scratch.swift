import AcmeDatabase
import Foundation
import Logging

/// Databases for one test: SQLite files in a temporary directory, or schemas of their own in the PostgreSQL
/// database named by ACME_TEST_DATABASE_URL (scripts/test runs the suite both ways). `close()` closes them
/// and removes their data; `close(keepData: true)` only closes them, to test a restart.
public final class Scratch: @unchecked Sendable {
    public static let postgresURL: DatabaseURL? = ProcessInfo.processInfo.environment["ACME_TEST_DATABASE_URL"].flatMap { try? DatabaseURL($0) }

    public let directory = FileManager.default.temporaryDirectory.appendingPathComponent("acme-scratch-\(UUID().uuidString)").path
    public let schemaPrefix = "scratch_" + UUID().uuidString.prefix(8).lowercased()
    var opened: [(name: String, database: any Database)] = []
    public let logger = Logger(label: "test")

    public init() {}

    public func open(_ name: String, migrations: [any Migration], maxConnections: Int = 4) async throws -> any Database {
        let database: any Database
        if let url = Self.postgresURL {
            database = try await PostgresDatabasePool.open(name: name, url: url, schema: "\(schemaPrefix)_\(name)", maxConnections: maxConnections, logger: logger)
        } else {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            database = try await SQLiteDatabasePool.open(name: name, path: "\(directory)/\(name).sqlite", durability: .normal, logger: logger)
        }
        opened.append((name, database))
        try await Migrator(database: database, migrations: migrations, logger: logger).migrate()
        return database
    }

    public func close(keepData: Bool = false) async {
        for (name, database) in opened {
            if !keepData, Self.postgresURL != nil {
                try? await database.read { db in try await db.raw("DROP SCHEMA IF EXISTS \(ident: "\(self.schemaPrefix)_\(name)") CASCADE").run() }
            }
            try? await database.close()
        }
        opened.removeAll()
    }

    /// `body` with one database opened by ``open(_:migrations:maxConnections:)``, closed and removed afterwards.
    public static func with(
        _ name: String, migrations: [any Migration] = [], maxConnections: Int = 4, _ body: (any Database) async throws -> Void
    ) async throws {
        let scratch = Scratch()
        do {
            try await body(try await scratch.open(name, migrations: migrations, maxConnections: maxConnections))
        } catch {
            await scratch.close()
            throw error
        }
        await scratch.close()
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
}
