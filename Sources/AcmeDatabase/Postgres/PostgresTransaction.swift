import Logging
import NIOCore
import SQLKit
import Synchronization

/// The statements of one PostgreSQL transaction, sent with as few round trips as its statements allow.
///
/// Each statement is a round trip, and on a document create the round trips (BEGIN, three inserts, COMMIT)
/// were most of its time: PostgreSQL itself spent a fraction of a millisecond. Deferrable template runs
/// (inserts nothing else in the transaction reads) are held back; a transaction of nothing else ends as one
/// statement, the others as `WITH` parts of the last, which PostgreSQL runs atomically without BEGIN and COMMIT
/// (``wholeTransaction()``; the pool sends it with other transactions', see ``CommitBatcher``). Any other statement
/// starts the transaction for real: BEGIN, the held-back statements, then it.
final class PostgresTransaction: ForwardingDatabase {
    private struct State {
        var began = false
        var pending: [SQLTemplate.Statement] = []
        var pendingBinds = 0

        mutating func takePending() -> [SQLTemplate.Statement] {
            defer {
                pending = []
                pendingBinds = 0
            }
            return pending
        }
    }

    let forwarded: any SQLDatabase
    private let state = Mutex(State())
    /// PostgreSQL takes at most 65,535 values per statement; held-back statements are sent before that.
    private static let maxBinds = 30_000

    init(_ base: any SQLDatabase) {
        self.forwarded = base
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        if let statement = query as? SQLTemplate.Statement, statement.deferrable {
            let full = state.withLock { state in
                state.pending.append(statement)
                state.pendingBinds += statement.binds.count
                return state.pendingBinds > Self.maxBinds
            }
            if full { try await sendPending() }
            return
        }
        try await sendPending()
        try await forwarded.execute(sql: query, onRow)
    }

    /// Sends what is held back and commits a transaction that began (one that did not is ``wholeTransaction()``).
    func commit() async throws {
        try await sendPending()
        try await forwarded.raw("COMMIT").run()
    }

    /// The whole transaction, when it is held-back statements only: they are taken, and sending them is the caller's
    /// (see ``CommitBatcher``). Nil once anything was sent.
    func wholeTransaction() -> [SQLTemplate.Statement]? {
        state.withLock { state in state.began ? nil : state.takePending() }
    }

    /// Sends statements held back by a transaction (``wholeTransaction()``) as one, which commits them.
    static func send(_ statements: [SQLTemplate.Statement], on db: any SQLDatabase) async throws {
        try await db.execute(sql: Combined(statements: statements)) { _ in }
    }

    func rollback() async {
        let began = state.withLock { state in
            state.pending = []
            return state.began
        }
        if began { try? await forwarded.raw("ROLLBACK").run() }
    }

    /// Sends the held-back statements as one, inside the transaction (opened first if need be).
    private func sendPending() async throws {
        let (pending, begin) = state.withLock { state in
            defer { state.began = true }
            return (state.takePending(), !state.began)
        }
        if begin { try await forwarded.raw("BEGIN").run() }
        if !pending.isEmpty { try await Self.send(pending, on: forwarded) }
    }

    /// `WITH s0 AS (first), s1 AS (second), … last`: data-modifying `WITH` parts run exactly once, whether or
    /// not anything reads them.
    private struct Combined: SQLExpression {
        let statements: [SQLTemplate.Statement]

        func serialize(to serializer: inout SQLSerializer) {
            for (index, statement) in statements.dropLast().enumerated() {
                serializer.write(index == 0 ? "WITH " : ", ")
                serializer.write("s\(index) AS (")
                statement.serialize(to: &serializer)
                serializer.write(")")
            }
            if statements.count > 1 { serializer.write(" ") }
            statements.last?.serialize(to: &serializer)
        }
    }
}
