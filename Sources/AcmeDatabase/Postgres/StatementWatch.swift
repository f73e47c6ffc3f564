import AcmeCore
import NIOCore
import PostgresNIO
import Synchronization

/// Fails the statement in flight on a connection when that connection closes.
///
/// PostgresNIO can leave a statement waiting forever when the server goes away around it (a write to a
/// channel that is closing has no promise to fail), so a request would hang through a database restart.
/// Each connection is watched once: its close fails whatever statement it is running, and the statement's
/// own result, if it comes first, wins.
final class StatementWatch: Sendable {
    private struct State {
        var watched: Set<PostgresConnection.ID> = []
        var running: [PostgresConnection.ID: EventLoopPromise<Void>] = [:]
    }

    static let lost = AcmeError.unavailable("The connection to the database was lost; retry shortly.")
    private let state = Mutex(State())

    /// Runs `statement` (which has started on `connection`) until it completes or the connection closes.
    func run(on connection: PostgresConnection, _ statement: EventLoopFuture<Void>) async throws {
        let promise = connection.closeFuture.eventLoop.makePromise(of: Void.self)
        let id = connection.id
        let firstSight = state.withLock { state -> Bool in
            state.running[id] = promise
            return state.watched.insert(id).inserted
        }
        // On a connection that has already closed, the callback runs at once.
        if firstSight {
            connection.closeFuture.whenComplete { [self] _ in
                let running = state.withLock { state -> EventLoopPromise<Void>? in
                    state.watched.remove(id)
                    return state.running.removeValue(forKey: id)
                }
                running?.fail(Self.lost)
            }
        }
        statement.whenComplete { [self] result in
            guard let running = state.withLock({ state -> EventLoopPromise<Void>? in
                guard state.running[id]?.futureResult === promise.futureResult else { return nil }
                return state.running.removeValue(forKey: id)
            }) else { return }
            running.completeWith(result)
        }
        try await promise.futureResult.get()
    }
}
