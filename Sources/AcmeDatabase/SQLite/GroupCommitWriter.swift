import AcmeCore
import SQLKit
import Synchronization

/// Runs write transactions one at a time on a single connection and commits them in groups.
///
/// With `synchronous = FULL` every COMMIT waits for an fsync (about 1.5 ms here), which would cap writes at
/// a few hundred per second. Instead, callers queue their transactions and one drain task runs the queue:
/// the first of a group opens the SQLite transaction, each further one runs behind a SAVEPOINT, and the
/// group commits once; only then does any of them return. A failing transaction rolls back to its savepoint
/// and affects no other; a failed COMMIT fails every member of the group.
///
/// The drain task runs the transactions' bodies itself rather than passing a lock from caller to caller:
/// a handed-over lock stays held until the next caller's task gets a thread, which under load meant
/// waiting behind request work on the shared pool, and writes became a convoy well below the CPU's limit.
final class GroupCommitWriter: Sendable {
    private struct State {
        var queue: [any QueuedTransaction] = []
        var draining = false
    }

    private let database: InlineSQLiteDatabase
    private let state = Mutex(State())
    private let maxBatch: Int

    init(database: InlineSQLiteDatabase, maxBatch: Int = 256) {
        self.database = database
        self.maxBatch = maxBatch
    }

    func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        // The body runs on the drain task while this caller waits for its result, so it never outlives the call.
        try await withoutActuallyEscaping(body) { body in
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                enqueue(PendingTransaction(body: body, continuation: continuation))
            }
        }
    }

    private func enqueue(_ transaction: any QueuedTransaction) {
        let startDrain = state.withLock { state in
            state.queue.append(transaction)
            defer { state.draining = true }
            return !state.draining
        }
        if startDrain { Task { await drain() } }
    }

    /// Runs queued transactions in groups until the queue is empty.
    private func drain() async {
        while let group = take(upTo: maxBatch, endingDrain: true) {
            await run(group)
        }
    }

    /// Up to `count` queued transactions, or nil if none is queued (then, with `endingDrain`, the drain task
    /// ends and the next enqueue starts another).
    private func take(upTo count: Int, endingDrain: Bool) -> [any QueuedTransaction]? {
        state.withLock { state in
            let taken = Array(state.queue.prefix(count))
            state.queue.removeFirst(taken.count)
            if taken.isEmpty && endingDrain { state.draining = false }
            return taken.isEmpty ? nil : taken
        }
    }

    /// Runs `group` in as few SQLite transactions as failures allow (normally one) and completes each member.
    private func run(_ group: [any QueuedTransaction]) async {
        var pending = group[...]
        var taken = group.count
        var members: [any QueuedTransaction] = []
        while true {
            guard let transaction = pending.popFirst() else {
                // Transactions queued while this group ran join it before it commits: they share its fsync
                // instead of waiting for it and then paying for one of their own.
                guard taken < maxBatch, let more = take(upTo: maxBatch - taken, endingDrain: false) else { break }
                taken += more.count
                pending = more[...]
                continue
            }
            if members.isEmpty {
                do {
                    try await database.raw("BEGIN IMMEDIATE").run()
                } catch {
                    transaction.complete(failure: DatabaseFailure.mapped(error))
                    continue
                }
                // The first member owns the whole SQLite transaction and needs no savepoint.
                if await transaction.run(on: database) {
                    members.append(transaction)
                } else {
                    try? await database.raw("ROLLBACK").run()
                    transaction.complete(failure: nil)
                }
                continue
            }
            do {
                try await database.raw("SAVEPOINT acme_tx").run()
                if await transaction.run(on: database) {
                    try await database.raw("RELEASE acme_tx").run()
                    members.append(transaction)
                } else {
                    try await database.raw("ROLLBACK TO acme_tx").run()
                    try await database.raw("RELEASE acme_tx").run()
                    transaction.complete(failure: nil)
                }
            } catch {
                // The savepoint machinery itself failed: the SQLite transaction is in doubt, so all of it goes.
                try? await database.raw("ROLLBACK").run()
                let failure = DatabaseFailure.mapped(error)
                for member in members + [transaction] { member.complete(failure: failure) }
                members = []
            }
        }
        guard !members.isEmpty else { return }
        var failure: (any Error)?
        do {
            // The fsync (and any checkpoint) happens here: off the cooperative threads.
            try await database.connection.runBlocking("COMMIT")
        } catch {
            try? await database.raw("ROLLBACK").run()
            failure = DatabaseFailure.mapped(error)
        }
        for member in members { member.complete(failure: failure) }
    }
}

/// A queued transaction, type-erased so that transactions of any result type share one queue.
private protocol QueuedTransaction: Sendable {
    /// Runs the body; false if it threw (its error is kept for `complete`).
    func run(on database: any SQLDatabase) async -> Bool
    /// Hands the caller its result: the body's error, else `failure` (a failed commit), else its value.
    func complete(failure: (any Error)?)
}

/// The body is only touched by the drain task, one step after another, while its caller waits.
private final class PendingTransaction<T: Sendable>: QueuedTransaction, @unchecked Sendable {
    private var body: ((any SQLDatabase) async throws -> T)?
    private var outcome: Result<T, any Error>?
    private let continuation: CheckedContinuation<T, any Error>

    init(body: @escaping (any SQLDatabase) async throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func run(on database: any SQLDatabase) async -> Bool {
        guard let body else { return false }
        // Let go of the body before the caller resumes: `withoutActuallyEscaping` checks that nothing kept it.
        self.body = nil
        do {
            outcome = .success(try await DatabaseFailure.map { try await body(database) })
            return true
        } catch {
            outcome = .failure(error)
            return false
        }
    }

    func complete(failure: (any Error)?) {
        body = nil  // a transaction that never ran (its BEGIN failed) still holds it
        if let outcome, case .failure = outcome { return continuation.resume(with: outcome) }
        if let failure { return continuation.resume(throwing: failure) }
        continuation.resume(with: outcome ?? .failure(AcmeError.unavailable()))
    }
}
