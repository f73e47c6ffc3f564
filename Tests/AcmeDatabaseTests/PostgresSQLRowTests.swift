@testable import AcmeDatabase
import AcmeTestSupport
import Foundation
import SQLKit
import Testing

/// Rows decode their cells as PostgresKit's rows do, through the shortcut or not.
@Suite(.enabled(if: Scratch.postgresURL != nil, "PostgreSQL only (ACME_TEST_DATABASE_URL)"))
struct PostgresSQLRowTests {
    @Test func cellsDecodeAsPostgresKitDecodesThem() async throws {
        var row: (any SQLRow)?
        try await Scratch.with("rows") { database in
            row = try await database.read { db in
                try await db.raw("""
                    SELECT 'text' AS s, CAST(NULL AS text) AS ns, CAST(7 AS int4) AS i4, CAST(9000000000 AS int8) AS i8,
                        CAST(NULL AS int8) AS ni, CAST(2.5 AS float8) AS d, CAST(NULL AS float8) AS nd, true AS b,
                        CAST(NULL AS boolean) AS nb, ARRAY['a', 'b'] AS strings, CAST('\\x00ff' AS bytea) AS bytes,
                        CAST('{"x": 1}' AS jsonb) AS json
                    """).first()
            }
        }
        let shortcut = try #require(row as? PostgresSQLRow)
        let kit = shortcut.row.sql()
        func same<T: Decodable & Equatable>(_ column: String, _ type: T.Type, _ expected: T) throws {
            #expect(try shortcut.decode(column: column, as: T.self) == expected, "\(column) as \(T.self)")
            #expect(try kit.decode(column: column, as: T.self) == expected, "\(column) as \(T.self), PostgresKit")
        }
        try same("s", String.self, "text")
        try same("s", String?.self, "text")
        try same("ns", String?.self, nil)
        try same("i4", Int64.self, 7)
        try same("i4", Int.self, 7)
        try same("i8", Int64.self, 9_000_000_000)
        try same("i8", Int?.self, 9_000_000_000)
        try same("ni", Int64?.self, nil)
        try same("d", Double.self, 2.5)
        try same("nd", Double?.self, nil)
        try same("b", Bool.self, true)
        try same("nb", Bool?.self, nil)
        try same("strings", [String].self, ["a", "b"])
        try same("bytes", Data.self, Data([0, 255]))  // not a shortcut type: PostgresKit decodes it
        struct JSON: Codable, Equatable { var x: Int }
        try same("json", JSON.self, JSON(x: 1))
        #expect(try shortcut.decodeNil(column: "ns") && !shortcut.decodeNil(column: "s"))
        #expect(shortcut.allColumns.count == 12 && shortcut.contains(column: "json") && !shortcut.contains(column: "nope"))
        #expect(throws: (any Error).self) { try shortcut.decode(column: "nope", as: String.self) }
        #expect(throws: (any Error).self) { try shortcut.decode(column: "ns", as: String.self) }
    }
}
