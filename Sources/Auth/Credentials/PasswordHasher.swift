import AcmeCore
import Crypto
import Dispatch
import HummingbirdBcrypt

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// bcrypt hashing off the cooperative thread pool.
///
/// A cost-12 hash takes about a quarter of a second of CPU. Running it on Swift's cooperative pool or
/// NIO's thread pool would stall every other request, so it runs on Dispatch's global queue, with at
/// most `concurrency` hashes at once so a login flood queues instead of starving the server.
///
/// bcrypt reads only the first 72 bytes of a password, so two passwords alike in those would be one. Hashes are
/// therefore of the password's SHA-256 digest (base64, 44 bytes), marked `sha256:`; hashes made before that, of
/// the password itself, still verify, and `needsRehash` tells the caller to replace them.
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

    static let digestPrefix = "sha256:"

    public func hash(_ password: String) async -> String {
        let cost = UInt8(self.cost)
        return await run { Self.digestPrefix + Bcrypt.hash(Self.digest(password), cost: cost) }
    }

    public func verify(_ password: String, hash: String) async -> Bool {
        await run {
            if hash.hasPrefix(Self.digestPrefix) {
                return Bcrypt.verify(Self.digest(password), hash: String(hash.dropFirst(Self.digestPrefix.count)))
            }
            return Bcrypt.verify(password, hash: hash)
        }
    }

    /// Burns the same time as a real verification and fails.
    public func verifyDecoy(_ password: String) async {
        let decoy = decoyHash
        _ = await run { Bcrypt.verify(Self.digest(password), hash: decoy) }
    }

    /// Whether `hash`, which verified, should be replaced by a fresh one: it is of the password itself (not its
    /// digest) or was made at another cost.
    public func needsRehash(_ hash: String) -> Bool {
        guard hash.hasPrefix(Self.digestPrefix) else { return true }
        // "$2b$12$…": the cost is the second field.
        let fields = hash.dropFirst(Self.digestPrefix.count).split(separator: "$")
        return fields.count < 2 || Int(fields[1]) != cost
    }

    /// Base64 of the password's SHA-256: all of the password counts, and no NUL byte reaches bcrypt.
    static func digest(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await limiter.withPermit {
            await withCheckedContinuation { continuation in
                DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
            }
        }
    }
}
