import AcmeCore
import Foundation
import Testing

@Suite struct RateLimiterTests {
    @Test func allowsCapacityThenRefusesWithRetryAfter() {
        let clock = ManualWallClock()
        let limiter = RateLimiter(capacity: 3, period: .seconds(60), clock: clock)
        for _ in 0..<3 { #expect(limiter.acquire("a").allowed) }
        let refused = limiter.acquire("a")
        #expect(!refused.allowed)
        #expect(refused.retryAfterSeconds == 20)
        // Other keys have their own bucket.
        #expect(limiter.acquire("b").allowed)
    }

    @Test func refillsOverThePeriod() {
        let clock = ManualWallClock()
        let limiter = RateLimiter(capacity: 2, period: .seconds(10), clock: clock)
        #expect(limiter.acquire("k").allowed && limiter.acquire("k").allowed)
        #expect(!limiter.acquire("k").allowed)
        clock.advance(by: 5)
        #expect(limiter.acquire("k").allowed)
        #expect(!limiter.acquire("k").allowed)
        clock.advance(by: 100)
        #expect(limiter.acquire("k").allowed && limiter.acquire("k").allowed)
        #expect(!limiter.acquire("k").allowed)
    }

    @Test func spendThrowsWhenEmptyAndResetForgets() {
        let clock = ManualWallClock()
        let limiter = RateLimiter(capacity: 1, period: .seconds(60), clock: clock)
        #expect(throws: Never.self) { try limiter.spend("k") }
        #expect(throws: AcmeError.tooManyRequests(retryAfterSeconds: 60)) { try limiter.spend("k") }
        limiter.reset("k")
        #expect(limiter.acquire("k").allowed)
    }

    @Test func concurrentAcquiresNeverExceedCapacity() async {
        let limiter = RateLimiter(capacity: 100, period: .seconds(3600), clock: ManualWallClock())
        let allowed = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<50).reduce(0) { count, _ in count + (limiter.acquire("shared").allowed ? 1 : 0) } }
            }
            return await group.reduce(0, +)
        }
        #expect(allowed == 100)
    }
}
