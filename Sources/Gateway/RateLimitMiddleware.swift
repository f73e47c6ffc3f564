import AcmeCore
import Hummingbird

/// Per-client request rate limit (token bucket per client address), answering 429 with `Retry-After`.
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = AcmeRequestContext

    let limiter: RateLimiter

    /// `requestsPerSecond` sustained, with bursts up to `burst`.
    public init(requestsPerSecond: Int, burst: Int, clock: any WallClock = SystemWallClock()) {
        let capacity = max(burst, requestsPerSecond)
        limiter = RateLimiter(capacity: capacity, period: .milliseconds(Int64(1000 * capacity / max(1, requestsPerSecond))), clock: clock)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try limiter.spend(context.clientAddress)
        return try await next(request, context)
    }
}
