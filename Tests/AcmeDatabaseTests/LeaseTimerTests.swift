@testable import AcmeDatabase
import Synchronization
import Testing

struct LeaseTimerTests {
    @Test func aWaitEndsAtItsDeadlineAndNotBefore() async throws {
        let timer = LeaseTimer()
        let ticker = Task { await timer.run() }
        defer { ticker.cancel() }
        let clock = ContinuousClock()
        let start = clock.now
        let wait = Task { await timer.sleep(for: .milliseconds(200)) }
        #expect(await Self.ends(wait))
        #expect(clock.now - start >= .milliseconds(200))
    }

    @Test func aCancelledWaitEndsAtOnceWithoutTheTicker() async throws {
        let timer = LeaseTimer()
        // No `run()`: only the cancellation can end this hour-long wait.
        let wait = Task { await timer.sleep(for: .seconds(3_600)) }
        try await Task.sleep(for: .milliseconds(20))
        wait.cancel()
        #expect(await Self.ends(wait))
    }

    @Test func stoppingTheTickerEndsEveryWait() async throws {
        let timer = LeaseTimer()
        let ticker = Task { await timer.run() }
        let waits = [Task { await timer.sleep(for: .seconds(3_600)) }, Task { await timer.sleep(for: .seconds(3_600)) }]
        try await Task.sleep(for: .milliseconds(100))
        ticker.cancel()
        for wait in waits { #expect(await Self.ends(wait)) }
    }

    /// Whether `task` finishes within 10 s. Polls instead of awaiting it, so a wait the timer never ends fails the
    /// test instead of hanging it.
    static func ends(_ task: Task<Void, Never>) async -> Bool {
        let finished = Finished()
        Task {
            await task.value
            finished.value.store(true, ordering: .releasing)
        }
        for _ in 0..<1_000 {
            if finished.value.load(ordering: .acquiring) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}

private final class Finished: Sendable {
    let value = Atomic(false)
}
