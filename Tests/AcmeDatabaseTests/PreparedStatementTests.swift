import AcmeCore
@testable import AcmeDatabase
import AcmeTestSupport
import Foundation
import Logging
import SQLKit
import Testing

@Test func onlyQueriesArePrepared() {
    for sql in ["SELECT 1", "  select $1", "(SELECT 1) UNION (SELECT 2)", "WITH a AS (SELECT 1) SELECT * FROM a",
                "INSERT INTO t VALUES (1)", "\nUPDATE t SET a = 1", "DELETE FROM t", "VALUES (1)"] {
        #expect(PreparedStatements.isPreparable(sql), "\(sql)")
    }
    for sql in ["BEGIN", "COMMIT", "CREATE TABLE t (a int)", "SET search_path = x", "ANALYZE t", "SELECTED", ""] {
        #expect(!PreparedStatements.isPreparable(sql), "\(sql)")
    }
}

/// Statements a connection runs again are prepared on it; what goes wrong with a prepared statement never sticks to it.
@Suite(.enabled(if: Scratch.postgresURL != nil, "PostgreSQL only (ACME_TEST_DATABASE_URL)"))
struct PreparedStatementTests {
    /// One connection, so that every statement meets the ones before it.
    func withDatabase(_ body: (any Database) async throws -> Void) async throws {
        try await Scratch.with("prepared", maxConnections: 1, body)
    }

    func prepared(_ fragment: String, on database: any Database) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT count(*) AS n FROM pg_prepared_statements WHERE name LIKE 'acme\\_%' AND strpos(statement, \(bind: fragment)) > 0")
                .first()!.decode(column: "n", as: Int.self)
        }
    }

    @Test func aStatementRunAgainIsPreparedAndKeepsItsResults() async throws {
        try await withDatabase { database in
            for value in ["a", "b", "c", "d"] {
                let row = try await database.read { db in try await db.raw("SELECT \(bind: value) || '!' AS v").first()! }
                #expect(try row.decode(column: "v", as: String.self) == value + "!")
            }
            #expect(try await prepared("|| '!' AS v", on: database) == 1)
            // Statements that are not queries stay unnamed however often they run: they have no plan to keep.
            for _ in 1...3 {
                try await database.read { db in try await db.raw("CREATE TABLE IF NOT EXISTS t (id bigint PRIMARY KEY)").run() }
            }
            #expect(try await prepared("CREATE TABLE", on: database) == 0)
        }
    }

    @Test func aFailedFirstRunIsNotKeptUnderTheStatement() async throws {
        try await withDatabase { database in
            try await database.read { db in try await db.raw("CREATE TABLE t (id bigint PRIMARY KEY)").run() }
            let insert = { (id: Int64) in try await database.read { db in try await db.raw("INSERT INTO t (id) VALUES (\(bind: id))").run() } }
            try await insert(1)
            // Its second run prepares it, and fails on the key.
            await #expect(throws: AcmeError.self) { try await insert(1) }
            for id: Int64 in 2...5 { try await insert(id) }
            let ids = try await database.read { db in try await db.raw("SELECT id FROM t ORDER BY id").all().map { try $0.decode(column: "id", as: Int64.self) } }
            #expect(ids == [1, 2, 3, 4, 5])
            #expect(try await prepared("INSERT INTO t", on: database) >= 1)
        }
    }

    @Test func aStatementWhoseColumnsChangedRunsWithTheNewOnes() async throws {
        try await withDatabase { database in
            try await database.read { db in
                try await db.raw("CREATE TABLE u (a bigint)").run()
                try await db.raw("INSERT INTO u VALUES (1)").run()
            }
            let columns = { try await database.read { db in try await db.raw("SELECT * FROM u WHERE a = \(bind: Int64(1))").first()!.allColumns } }
            for _ in 1...3 { #expect(try await columns() == ["a"]) }
            try await database.read { db in try await db.raw("ALTER TABLE u ADD COLUMN b text DEFAULT 'z'").run() }
            for _ in 1...3 { #expect(try await columns() == ["a", "b"]) }
        }
    }
}
