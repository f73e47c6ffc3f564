import AcmeCore
import HummingbirdOTP

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// RFC 6238 TOTP (SHA-1, 6 digits, 30 s), accepting the previous and next step for clock drift.
public enum TOTPVerifier {
    static let step: TimeInterval = 30
    static let issuer = "Acme"

    /// A new shared secret. HummingbirdOTP keys HMAC with the secret string's UTF-8 bytes, so the secret
    /// is 32 characters from the base32 alphabet (160 bits of entropy).
    static func makeSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return String(SecureRandom.bytes(32).map { alphabet[Int($0 & 31)] })
    }

    static func setup(secret: String, account: String) -> TOTPSetup {
        TOTPSetup(
            secret: Base32.encode(Array(secret.utf8)),
            otpauthUrl: TOTP(secret: secret).createAuthenticatorURL(label: "\(issuer):\(account)", issuer: issuer))
    }

    /// The time step a valid `code` belongs to, if any, skipping steps at or before `lastUsedStep`
    /// so a code cannot be replayed.
    static func matchingStep(code: String, secret: String, at date: Date, lastUsedStep: Int64?) -> Int64? {
        guard code.count == 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { return nil }
        let totp = TOTP(secret: secret)
        let current = Int64(date.timeIntervalSince1970 / step)
        for candidate in [current - 1, current, current + 1] where candidate > (lastUsedStep ?? .min) {
            let expected = String(format: "%06d", totp.compute(date: Date(timeIntervalSince1970: Double(candidate) * step)))
            if SecureRandom.constantTimeEquals(Array(expected.utf8), Array(code.utf8)) { return candidate }
        }
        return nil
    }

    /// The current code (tests and tools).
    public static func code(secret: String, at date: Date) -> String {
        String(format: "%06d", TOTP(secret: secret).compute(date: date))
    }
}
