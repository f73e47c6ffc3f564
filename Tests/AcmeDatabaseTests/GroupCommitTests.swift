import AcmeCore
@testable import AcmeDatabase
import Foundation
import Logging
import SQLKit
import Testing

struct CreateItems: Migration {
    let name = "CreateItems"
    func prepare(on db: any SQLDatabase) async throws {
        try await db.create(table: "items")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("n", type: .int, .notNull)
            .run()
    }
}

/// A fresh database file in a temporary directory, closed and removed by `close()`.
func withDatabase(durability: SQLiteDatabasePool.Durability = .full, _ body: (any Database) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("acme-db-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let logger = Logger(label: "test")
    let database = try await SQLiteDatabasePool.open(name: "test", path: directory + "/test.sqlite", durability: durability, logger: logger)
    do {
        try await Migrator(database: database, migrations: [CreateItems()], logger: logger).migrate()
        try await body(database)
    } catch {
        try? await database.close()
        throw error
    }
    try await database.close()
}

func count(_ database: any Database) async throws -> Int {
    try await database.read { db in try await db.raw("SELECT COUNT(*) AS n FROM items").first()?.decode(column: "n", as: Int.self) ?? 0 }
}

func insert(_ id: String, on db: any SQLDatabase) async throws {
    try await db.insert(into: "items").columns("id", "n").values(SQLBind(id), SQLBind(1)).run()
}

@Suite struct GroupCommitTests {
    @Test func concurrentTransactionsAllCommitAndAreVisibleOnReturn() async throws {
        try await withDatabase { database in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        try await database.transaction { db in try await insert("item-\(index)", on: db) }
                        // Read-your-writes: once a transaction returns it is committed.
                        let seen = try await database.read { db in
                            try await db.select().column("id").from("items").where("id", .equal, "item-\(index)").first()
                        }
                        #expect(seen != nil)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await count(database) == 300)
        }
    }

    @Test func aFailingTransactionRollsBackAloneInsideABatch() async throws {
        struct Boom: Error {}
        try await withDatabase { database in
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        do {
                            try await database.transaction { db in
                                try await insert("item-\(index)", on: db)
                                if index % 5 == 0 { throw Boom() }
                            }
                            return true
                        } catch is Boom {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 80)
            #expect(try await count(database) == 80)
            let failed = try await database.read { db in
                try await db.select().column("id").from("items").where("id", .equal, "item-5").first()
            }
            #expect(failed == nil)
        }
    }

    @Test func uniqueViolationsAreConflictsAndDoNotSpoilTheBatch() async throws {
        try await withDatabase { database in
            let results = try await withThrowingTaskGroup(of: Result<Void, AcmeError>.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        do {
                            try await database.transaction { db in try await insert("same", on: db) }
                            return .success(())
                        } catch let error as AcmeError {
                            return .failure(error)
                        }
                    }
                }
                for index in 0..<20 {
                    group.addTask {
                        try await database.transaction { db in try await insert("other-\(index)", on: db) }
                        return .success(())
                    }
                }
                return try await group.reduce(into: [Result<Void, AcmeError>]()) { $0.append($1) }
            }
            let conflicts = results.filter { if case .failure(.conflict) = $0 { true } else { false } }
            #expect(conflicts.count == 19)
            #expect(try await count(database) == 21)
        }
    }

    @Test func valuesComeBackFromTheTransaction() async throws {
        try await withDatabase(durability: .normal) { database in
            let n = try await database.transaction { db in
                try await insert("a", on: db)
                return try await db.raw("SELECT COUNT(*) AS n FROM items").first()?.decode(column: "n", as: Int.self) ?? -1
            }
            #expect(n == 1)
        }
    }
}

@Suite struct TrigramTests {
    @Test func trigramsFollowPgTrgm() {
        // pg_trgm: show_trgm('cat') = {"  c"," ca","at ","cat"}
        #expect(Trigram.trigrams("Cat") == ["  c", " ca", "cat", "at "])
        #expect(Trigram.trigrams("a-b") == ["  a", " a ", "  b", " b "])
        #expect(Trigram.trigrams("") == [])
    }

    @Test func similarityToleratesTypos() {
        #expect(Trigram.similarity("Quarterly report", "Quarterly report") == 1)
        #expect(Trigram.similarity("Quarterly report", "Quartely reprot") > 0.3)
        #expect(Trigram.similarity("Quarterly report", "Roadmap") < 0.1)
        #expect(Trigram.similarity("", "x") == 0)
    }

    @Test func similarityIsAvailableInSQL() async throws {
        try await withDatabase(durability: .normal) { database in
            let score = try await database.read { db in
                try await db.raw("SELECT similarity('Quarterly report', 'Quartely reprot') AS s").first()?.decode(column: "s", as: Double.self)
            }
            #expect(score == Trigram.similarity("Quarterly report", "Quartely reprot"))
            let null = try await database.read { db in
                try await db.raw("SELECT similarity(NULL, 'x') AS s").first()?.decode(column: "s", as: Double?.self)
            }
            #expect(null == nil)
        }
    }
}

@Suite struct NameMatchTests {
    @Test func shortMisspeltQueriesMatchWordsOfLongNames() {
        // A query is judged against the best run of words, not the whole (longer) name.
        #expect(Trigram.wordSimilarity("word", "two words") > Trigram.similarity("word", "two words"))
        #expect(Trigram.wordSimilarity("words", "two words") == 1)
        #expect(Trigram.nameMatch("Website relaunch", "webiste") >= 0.3)
        #expect(Trigram.nameMatch("Quarterly report", "Quartely reprot") >= 0.3)
        #expect(Trigram.nameMatch("Hiring", "webiste") < 0.3)
        #expect(Trigram.nameMatch("Website relaunch", "Website relaunch") == 1)
    }
}
