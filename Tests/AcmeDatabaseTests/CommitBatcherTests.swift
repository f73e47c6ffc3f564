import AcmeCore
@testable import AcmeDatabase
import AcmeTestSupport
import Foundation
import Logging
import SQLKit
import Testing

/// Transactions of held-back inserts only commit in groups on PostgreSQL (``CommitBatcher``); a group is all or
/// nothing, so what one member gets wrong must not fail the others.
@Suite(.enabled(if: Scratch.postgresURL != nil, "PostgreSQL only (ACME_TEST_DATABASE_URL)"))
struct CommitBatcherTests {
    static let insert = SQLTemplate(deferrable: true) { db in SQLTemplate.insert(db, into: "items", columns: ["id", "n"]).query }

    func withDatabase(_ body: (any Database) async throws -> Void) async throws {
        // Fewer connections than concurrent transactions: members wait without one, so this cannot starve.
        try await Scratch.with("batch", maxConnections: 2) { database in
            try await database.read { db in try await db.raw("CREATE TABLE items (id text PRIMARY KEY, n bigint NOT NULL)").run() }
            try await body(database)
        }
    }

    @Test func concurrentTransactionsCommitAndOnlyTheFailingOneFails() async throws {
        try await withDatabase { database in
            try await database.transaction { db in try await Self.insert.run(db, ["taken", 0]) }
            // Rounds of 40 at once: most commits find groups in flight and join the next one.
            for round in 0..<5 {
                let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
                    for n in 0..<40 {
                        let id = n == 17 ? "taken" : "item-\(round)-\(n)"
                        group.addTask {
                            do {
                                try await database.transaction { db in try await Self.insert.run(db, [id, n]) }
                                return (id, true)
                            } catch {
                                #expect(DatabaseFailure.isConflict(error), "\(error)")
                                return (id, false)
                            }
                        }
                    }
                    return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
                }
                #expect(outcomes.filter { !$0.value }.map(\.key) == ["taken"])
            }
            let count = try await database.read { db in
                try await db.raw("SELECT count(*) AS n FROM items").first()!.decode(column: "n", as: Int.self)
            }
            #expect(count == 1 + 5 * 39)
        }
    }
}
