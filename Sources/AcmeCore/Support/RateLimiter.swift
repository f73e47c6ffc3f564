#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// In-memory token buckets keyed by a string (client address, account, token).
///
/// Each key may spend `capacity` requests at once and regains `capacity` per `period`. State is sharded
/// over several locks so concurrent requests rarely contend, and idle buckets are dropped as the map grows.
public final class RateLimiter: Sendable {
    public struct Decision: Sendable, Equatable {
        public var allowed: Bool
        /// Seconds until one request will be allowed again (0 when allowed).
        public var retryAfterSeconds: Int
    }

    struct Bucket {
        var tokens: Double
        var updated: TimeInterval
    }

    private let capacity: Double
    private let refillPerSecond: Double
    private let clock: any WallClock
    private let shards: [Shard]
    private static let shardCount = 16
    private static let maxKeysPerShard = 10_000

    public init(capacity: Int, period: Duration, clock: any WallClock = SystemWallClock()) {
        precondition(capacity > 0, "a rate limit needs a positive capacity")
        self.capacity = Double(capacity)
        let seconds = Double(period.components.seconds) + Double(period.components.attoseconds) / 1e18
        self.refillPerSecond = Double(capacity) / seconds
        self.clock = clock
        self.shards = (0..<Self.shardCount).map { _ in Shard() }
    }

    /// Takes `cost` tokens from `key`'s bucket if it has them.
    public func acquire(_ key: String, cost: Double = 1) -> Decision {
        let now = clock.now().timeIntervalSince1970
        return shard(for: key).buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * refillPerSecond)
            bucket.updated = now
            let decision: Decision
            if bucket.tokens >= cost {
                bucket.tokens -= cost
                decision = Decision(allowed: true, retryAfterSeconds: 0)
            } else {
                let wait = (cost - bucket.tokens) / refillPerSecond
                decision = Decision(allowed: false, retryAfterSeconds: max(1, Int(wait.rounded(.up))))
            }
            if buckets.count >= Self.maxKeysPerShard { Self.evictFull(&buckets, now: now, rate: refillPerSecond, capacity: capacity) }
            buckets[key] = bucket
            return decision
        }
    }

    /// Takes one token from `key`'s bucket, or throws 429 with the wait until the next one.
    public func spend(_ key: String) throws(AcmeError) {
        let decision = acquire(key)
        guard decision.allowed else { throw .tooManyRequests(retryAfterSeconds: decision.retryAfterSeconds) }
    }

    /// Forgets `key` (e.g. after a successful login clears its failure budget).
    public func reset(_ key: String) {
        _ = shard(for: key).buckets.withLock { $0.removeValue(forKey: key) }
    }

    private final class Shard: Sendable {
        let buckets = Mutex<[String: Bucket]>([:])
    }

    private func shard(for key: String) -> Shard {
        shards[Int(UInt(bitPattern: key.hashValue) % UInt(Self.shardCount))]
    }

    /// Buckets that have refilled completely carry no information; drop them.
    private static func evictFull(_ buckets: inout [String: Bucket], now: TimeInterval, rate: Double, capacity: Double) {
        buckets = buckets.filter { $0.value.tokens + (now - $0.value.updated) * rate < capacity }
    }
}
