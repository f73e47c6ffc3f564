import AcmeCore
import Dispatch
import HummingbirdBcrypt

/// bcrypt hashing off the cooperative thread pool.
///
/// A cost-12 hash takes about a quarter of a second of CPU. Running it on Swift's cooperative pool or
/// NIO's thread pool would stall every other request, so it runs on Dispatch's global queue, with at
/// most `concurrency` hashes at once so a login flood queues instead of starving the server.
public struct PasswordHasher: Sendable {
    public let cost: Int
    private let limiter: AsyncSemaphore
    /// A hash of a random password, verified when an e-mail is unknown so that failures take the same
    /// time whether or not the account exists.
    private let decoyHash: String

    public init(cost: Int, concurrency: Int = 2) {
        precondition((4...31).contains(cost), "bcrypt cost must be 4...31")
        self.cost = cost
        self.limiter = AsyncSemaphore(permits: max(1, concurrency))
        self.decoyHash = Bcrypt.hash(SecureRandom.token(), cost: UInt8(cost))
    }

    public func hash(_ password: String) async -> String {
        let cost = UInt8(self.cost)
        return await run { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async -> Bool {
        await run { Bcrypt.verify(password, hash: hash) }
    }

    /// Burns the same time as a real verification and fails.
    public func verifyDecoy(_ password: String) async {
        let decoy = decoyHash
        _ = await run { Bcrypt.verify(password, hash: decoy) }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await limiter.withPermit {
            await withCheckedContinuation { continuation in
                DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
            }
        }
    }
}
