import AcmeCore
import Synchronization

/// Lets operations in until the gate closes, and lets `close` wait for the ones in flight.
///
/// Connections must not be closed under a running query (SQLite would touch freed memory), and a
/// late caller after shutdown should get an error, not a crash.
final class OperationGate: Sendable {
    private struct State {
        var active = 0
        var closed = false
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let name: String

    init(name: String) {
        self.name = name
    }

    func run<T>(_ operation: () async throws -> T) async throws -> T {
        let admitted = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.active += 1
            return true
        }
        guard admitted else { throw AcmeError.unavailable("The \(name) database is shutting down.") }
        defer { leave() }
        return try await operation()
    }

    /// Refuses new operations and returns once the running ones have finished; false if it was closed before.
    func close() async -> Bool {
        let first = state.withLock { state -> Bool in
            defer { state.closed = true }
            return !state.closed
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state -> Bool in
                if state.active == 0 { return true }
                state.drained.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
        return first
    }

    private func leave() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.active -= 1
            guard state.active == 0, state.closed else { return [] }
            defer { state.drained = [] }
            return state.drained
        }
        for waiter in waiters { waiter.resume() }
    }
}
