import AcmeCore
import AcmeTestSupport
@testable import AcmeDatabase
import SQLKit
import Testing

/// Templates on both backends; on PostgreSQL their deferrable runs are held back by the transaction
/// (`PostgresTransaction`), which must not change what a transaction does.
@Suite struct SQLTemplateTests {
    static let insertItems = SQLTemplate(deferrable: true, rows: { db, rows in
        var insert = db.insert(into: "items").columns("id", "n")
        for _ in 0..<rows { insert = insert.values([SQLTemplate.placeholder, SQLTemplate.placeholder]) }
        return insert.query
    })
    static let item = SQLTemplate { db in
        db.select().column("n").from("items").where("id", .equal, SQLTemplate.placeholder).query
    }

    func withItems(_ body: (any Database) async throws -> Void) async throws {
        let scratch = Scratch()
        do {
            try await body(try await scratch.open("templates", migrations: [CreateItems()]))
        } catch {
            await scratch.close()
            throw error
        }
        await scratch.close()
    }

    @Test func runsWithValuesInOrderForAnyRowCount() async throws {
        try await withItems { database in
            try await database.transaction { db in
                try await Self.insertItems.run(db, rows: 1, ["a", 1])
                try await Self.insertItems.run(db, rows: 3, ["b", 2, "c", 3, "d", 4])
            }
            let values = try await database.read { db in
                try await ["a", "b", "c", "d"].asyncMap { try await Self.item.first(db, [$0])?.decode(column: "n", as: Int.self) }
            }
            #expect(values == [1, 2, 3, 4])
        }
    }

    @Test func aStatementReadingInTheTransactionSeesTheHeldBackOnes() async throws {
        try await withItems { database in
            let seen = try await database.transaction { db in
                try await Self.insertItems.run(db, ["a", 7])
                return try await Self.item.first(db, ["a"])?.decode(column: "n", as: Int.self)
            }
            #expect(seen == 7)
            let total = try await count(database)
            #expect(total == 1)
        }
    }

    @Test func heldBackStatementsFailTogether() async throws {
        try await withItems { database in
            try await database.transaction { db in try await Self.insertItems.run(db, ["a", 1]) }
            // The second insert breaks the primary key: the first of the same transaction must not stay.
            await #expect(throws: AcmeError.self) {
                try await database.transaction { db in
                    try await Self.insertItems.run(db, ["b", 1])
                    try await Self.insertItems.run(db, ["a", 2])
                }
            }
            let total = try await count(database)
            #expect(total == 1)
            let b = try await database.read { db in try await Self.item.first(db, ["b"]) }
            #expect(b == nil)
        }
    }

    @Test func aBodyThatThrowsWritesNothing() async throws {
        struct Abandoned: Error {}
        try await withItems { database in
            await #expect(throws: Abandoned.self) {
                try await database.transaction { db in
                    try await Self.insertItems.run(db, ["a", 1])
                    _ = try await Self.item.first(db, ["a"])
                    try await Self.insertItems.run(db, ["b", 2])
                    throw Abandoned()
                }
            }
            let total = try await count(database)
            #expect(total == 0)
        }
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
