import Synchronization

/// The acquire timeouts of one pool's connection leases, kept by a single ticker instead of a timer per lease.
///
/// Every database operation races its lease against its timeout. With `Task.sleep` each operation armed a
/// dispatch timer that stayed armed for the whole timeout after the lease came (cancellation only resumes the
/// sleeper), so thousands were pending at a time and dispatch's timer thread took about 5% of the server's profile
/// samples during document creates on PostgreSQL. Here a wait is an entry in a table; `run()` looks at the table
/// every ``resolution`` and ends the waits whose deadline has passed, so a timeout fires up to that much late.
/// Once `run()` has returned (the pool closed), a new wait ends only by cancellation.
final class LeaseTimer: Sendable {
    static let resolution = Duration.milliseconds(50)

    private struct Waiter {
        let deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, Never>?
    }

    private struct State {
        var next = 0
        var waiters: [Int: Waiter] = [:]
    }

    private let state = Mutex(State())
    private let clock = ContinuousClock()

    /// Returns once `timeout` has passed (within ``resolution``), or at once when the task is cancelled.
    func sleep(for timeout: Duration) async {
        let deadline = clock.now + timeout
        let id = state.withLock { state in
            state.next += 1
            state.waiters[state.next] = Waiter(deadline: deadline)
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    // Gone: cancelled (or expired) before this suspension registered.
                    guard state.waiters[id] != nil, !Task.isCancelled else {
                        state.waiters[id] = nil
                        return true
                    }
                    state.waiters[id]?.continuation = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation?.resume()
        }
    }

    /// Ends expired waits until cancelled; on cancellation ends every wait, so none outlives the pool.
    func run() async {
        while (try? await Task.sleep(for: Self.resolution)) != nil {
            let now = clock.now
            let expired = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                var expired: [CheckedContinuation<Void, Never>] = []
                for (id, waiter) in state.waiters where waiter.deadline <= now {
                    // A waiter without a continuation has not suspended yet; it finds itself gone and returns.
                    state.waiters[id] = nil
                    if let continuation = waiter.continuation { expired.append(continuation) }
                }
                return expired
            }
            for continuation in expired { continuation.resume() }
        }
        let all = state.withLock { state in
            defer { state.waiters.removeAll() }
            return state.waiters.values.compactMap(\.continuation)
        }
        for continuation in all { continuation.resume() }
    }
}
