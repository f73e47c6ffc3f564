import AcmeCore
import SQLKit
import Synchronization

/// Runs write transactions one at a time on a single connection and commits them in groups.
///
/// With `synchronous = FULL` every COMMIT waits for an fsync (about 1.5 ms here), which would cap writes at
/// a few hundred per second. Instead, while other writers are queued, a finished transaction leaves its
/// SQLite transaction open and the next one continues inside it behind a SAVEPOINT; the last of the group
/// commits once for all of them, and only then does any of them return. A failing transaction rolls back
/// to its savepoint and affects no other; a failed COMMIT fails every member of the group.
final class GroupCommitWriter: Sendable {
    private struct State {
        var waiting = 0
        var batch: Batch?
        var batchSize = 0
    }

    private let database: InlineSQLiteDatabase
    private let lock = AsyncSemaphore(permits: 1)
    private let state = Mutex(State())
    private let maxBatch: Int

    init(database: InlineSQLiteDatabase, maxBatch: Int = 256) {
        self.database = database
        self.maxBatch = maxBatch
    }

    func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        state.withLock { $0.waiting += 1 }
        await lock.acquire()
        let (openBatch, position) = state.withLock { state in
            state.waiting -= 1
            state.batchSize += 1
            return (state.batch, state.batchSize)
        }
        let batch: Batch
        if let openBatch {
            batch = openBatch
        } else {
            do {
                try await database.raw("BEGIN IMMEDIATE").run()
            } catch {
                state.withLock { $0.batchSize = 0 }
                lock.release()
                throw DatabaseFailure.mapped(error)
            }
            batch = Batch()
            state.withLock { $0.batch = batch }
        }

        // The first member of a batch owns the whole SQLite transaction and needs no savepoint.
        let outcome: Result<T, any Error>
        do {
            if position > 1 { try await database.raw("SAVEPOINT acme_tx").run() }
            let value = try await DatabaseFailure.map { try await body(database) }
            if position > 1 { try await database.raw("RELEASE acme_tx").run() }
            outcome = .success(value)
        } catch {
            outcome = .failure(error)
            if position > 1 {
                do {
                    try await database.raw("ROLLBACK TO acme_tx").run()
                    try await database.raw("RELEASE acme_tx").run()
                } catch {
                    await finish(batch, rollback: true, error: error)
                    throw error
                }
            } else {
                await finish(batch, rollback: true, error: error)
                throw error
            }
        }

        let commitNow = state.withLock { $0.waiting == 0 || $0.batchSize >= maxBatch }
        if commitNow {
            await finish(batch, rollback: false, error: nil)
        } else {
            lock.release()
        }
        if case .failure(let error) = outcome { throw error }
        try await batch.committed()
        return try outcome.get()
    }

    /// Ends the batch's SQLite transaction (commit, or rollback after `error`), releases the lock and
    /// wakes every member waiting for the outcome.
    private func finish(_ batch: Batch, rollback: Bool, error: (any Error)?) async {
        state.withLock {
            $0.batch = nil
            $0.batchSize = 0
        }
        var result: Result<Void, any Error> = error.map { .failure($0) } ?? .success(())
        if rollback {
            try? await database.raw("ROLLBACK").run()
        } else {
            do {
                // The fsync (and any checkpoint) happens here: off the cooperative threads.
                try await database.connection.runBlocking("COMMIT")
            } catch {
                try? await database.raw("ROLLBACK").run()
                result = .failure(DatabaseFailure.mapped(error))
            }
        }
        lock.release()
        batch.resolve(result)
    }

    /// The shared outcome of one group commit.
    final class Batch: Sendable {
        private let state = Mutex<(result: Result<Void, any Error>?, waiters: [CheckedContinuation<Void, any Error>])>((nil, []))

        func resolve(_ result: Result<Void, any Error>) {
            let waiters = state.withLock { state in
                state.result = result
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(with: result) }
        }

        func committed() async throws {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let result = state.withLock { state -> Result<Void, any Error>? in
                    if let result = state.result { return result }
                    state.waiters.append(continuation)
                    return nil
                }
                if let result { continuation.resume(with: result) }
            }
        }
    }
}
