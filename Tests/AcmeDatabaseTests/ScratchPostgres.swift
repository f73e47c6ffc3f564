import AcmeCore
@testable import AcmeDatabase
import AcmeTestSupport
import Foundation
import Logging
import SQLKit

/// A pool on the test server (`ACME_TEST_DATABASE_URL`) in a schema of its own, dropped when `body` ends.
func withScratchPostgres(_ name: String, maxConnections: Int, _ body: (PostgresDatabasePool) async throws -> Void) async throws {
    let schema = name + "_" + UUID().uuidString.prefix(8).lowercased()
    let database = try await PostgresDatabasePool.open(
        name: name, url: Scratch.postgresURL!, schema: schema, maxConnections: maxConnections, logger: Logger(label: "test"))
    do {
        try await body(database)
    } catch {
        try? await database.read { db in try await db.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        try? await database.close()
        throw error
    }
    try await database.read { db in try await db.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
    try await database.close()
}
