import PostgresNIO
import SQLKit
import Synchronization

/// Sends the whole-transaction statements of concurrent transactions as one statement: group commit for PostgreSQL.
///
/// A transaction of held-back inserts only (a document create: the document, its tags, its outbox rows) is one
/// statement (``PostgresTransaction``), and most of its cost is per statement, not per row: PostgreSQL's parse, plan
/// and executor start-up, the commit's WAL flush, and a round trip through the client. Measured with pgbench on the
/// create's statement: about 6,500 creates/s one statement each, 14,200/s with eight creates' statements as the `WITH`
/// parts of one. So a transaction that commits while ``maxLeaders`` groups are in flight queues; one that finds fewer
/// leads a group: it sends its statements together with those of every transaction queued, while they wait, and then
/// hands the lead to the next one queued. Alone, a transaction goes at once, as before. Members wait without holding
/// a connection (the pool leases one per group), so the pool's size does not bound how many can wait.
///
/// The group is one statement, so it commits or fails as a whole, and it only joins statements that nothing else in
/// their transactions reads. When PostgreSQL refuses it (one member's unique key, say), nothing of it is written and
/// each member sends its own statements again, on its own connection, and meets its own error; when the connection
/// fails instead, whether it committed is unknown, so every member fails (503) rather than risk writing twice.
final class CommitBatcher: Sendable {
    typealias Send = @Sendable ([SQLTemplate.Statement]) async throws -> Void

    private enum Turn {
        case lead
        case committed
        case failed(any Error)
        case alone
    }

    private struct Member {
        let statements: [SQLTemplate.Statement]
        let binds: Int
        let turn: CheckedContinuation<Turn, Never>
    }

    private struct State {
        var leaders = 0
        var queue: [Member] = []
    }

    private let state = Mutex(State())
    /// PostgreSQL takes at most 65,535 values per statement.
    private let maxBinds: Int
    /// Groups in flight at once.
    private let maxLeaders: Int

    init(maxLeaders: Int = 2, maxBinds: Int = 30_000) {
        self.maxLeaders = maxLeaders
        self.maxBinds = maxBinds
    }

    /// Sends `statements` (one transaction's, all of it) with `send`, or as part of another member's group; returns
    /// once they are committed. `send` leases a connection for the statement it is given, so members wait without one.
    func commit(_ statements: [SQLTemplate.Statement], send: @escaping Send) async throws {
        let binds = statements.reduce(0) { $0 + $1.binds.count }
        if !join(nil) {
            let turn = await withCheckedContinuation { (turn: CheckedContinuation<Turn, Never>) in
                // Asked again as it queues: a leader may have handed over meanwhile.
                if join(Member(statements: statements, binds: binds, turn: turn)) { turn.resume(returning: .lead) }
            }
            switch turn {
            case .lead: break
            case .committed: return
            case .failed(let error): throw error
            case .alone: return try await send(statements)
            }
        }
        try await lead(statements, binds: binds, send: send)
    }

    /// Takes the lead if fewer than ``maxLeaders`` groups are in flight; otherwise queues `member`, if any.
    private func join(_ member: Member?) -> Bool {
        state.withLock { state in
            guard state.leaders < maxLeaders else {
                if let member { state.queue.append(member) }
                return false
            }
            state.leaders += 1
            return true
        }
    }

    /// Sends this member's statements with those queued behind it, then hands the lead to the next in the queue.
    private func lead(_ statements: [SQLTemplate.Statement], binds: Int, send: @escaping Send) async throws {
        let members = state.withLock { state in
            var total = binds
            let count = state.queue.prefix { member in
                total += member.binds
                return total <= maxBinds
            }.count
            defer { state.queue.removeFirst(count) }
            return Array(state.queue.prefix(count))
        }
        defer { handOver() }
        guard !members.isEmpty else { return try await send(statements) }
        do {
            // The group's statement is every member's: it runs in a task of its own, so that cancelling the leader's
            // task (its client went away) cannot end the wait for it and leave the members' outcome unknown.
            let group = statements + members.flatMap(\.statements)
            try await Task { try await send(group) }.value
        } catch let error as PSQLError where error.serverInfo?[.sqlState] != nil {
            // PostgreSQL refused the group, so none of it was written: each member tries on its own.
            for member in members { member.turn.resume(returning: .alone) }
            return try await send(statements)
        } catch {
            for member in members { member.turn.resume(returning: .failed(error)) }
            throw error
        }
        for member in members { member.turn.resume(returning: .committed) }
    }

    private func handOver() {
        let next = state.withLock { state -> Member? in
            guard !state.queue.isEmpty else {
                state.leaders -= 1
                return nil
            }
            return state.queue.removeFirst()
        }
        next?.turn.resume(returning: .lead)
    }
}
