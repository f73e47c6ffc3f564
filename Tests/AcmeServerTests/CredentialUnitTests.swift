@testable import Auth
import HummingbirdBcrypt
import Foundation
import Testing

@Suite struct CredentialUnitTests {
    /// RFC 6238 appendix B vectors (SHA-1, secret "12345678901234567890"), last six digits.
    @Test func totpMatchesRFC6238() {
        let secret = "12345678901234567890"
        let vectors: [(TimeInterval, String)] = [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")]
        for (time, code) in vectors {
            #expect(TOTPVerifier.code(secret: secret, at: Date(timeIntervalSince1970: time)) == code)
        }
    }

    @Test func totpAcceptsOneStepOfDriftAndRefusesReplays() {
        let secret = TOTPVerifier.makeSecret()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let previous = TOTPVerifier.code(secret: secret, at: now.addingTimeInterval(-30))
        let step = TOTPVerifier.matchingStep(code: previous, secret: secret, at: now, lastUsedStep: nil)
        #expect(step == Optional(Int64(1_800_000_000 / 30 - 1)))
        #expect(TOTPVerifier.matchingStep(code: previous, secret: secret, at: now, lastUsedStep: step) == nil)
        let old = TOTPVerifier.code(secret: secret, at: now.addingTimeInterval(-90))
        #expect(TOTPVerifier.matchingStep(code: old, secret: secret, at: now, lastUsedStep: nil) == nil)
        for garbage in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦"] {
            #expect(TOTPVerifier.matchingStep(code: garbage, secret: secret, at: now, lastUsedStep: nil) == nil)
        }
    }

    @Test func base32MatchesRFC4648() {
        let vectors = ["": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI"]
        for (input, output) in vectors { #expect(Base32.encode(Array(input.utf8)) == output) }
    }

    @Test func recoveryCodesNormalise() {
        let code = RecoveryCode.make()
        #expect(code.count == 11 && code.dropFirst(5).first == "-")
        #expect(RecoveryCode.normalize(code.uppercased()) == code)
        #expect(RecoveryCode.normalize(code.replacingOccurrences(of: "-", with: " ")) == code)
        #expect(!RecoveryCode.looksLikeRecoveryCode("123456"))
    }

    @Test func passwordPolicyUsesTheBundledList() throws {
        let policy = try PasswordPolicy.bundled()
        func errors(_ password: String) -> [String] {
            var validator = AcmeCore.Validator()
            policy.check(password, field: "password", email: "ann@example.com", into: &validator)
            return validator.errors.map(\.message)
        }
        #expect(errors("correct horse battery staple").isEmpty)
        #expect(errors("1q2w3e4r5t").count == 1)  // in the top 1,000
        #expect(errors("QWERTYUIOP").count == 1)  // case-insensitive
        #expect(errors("ann@example.com").count == 1)
        #expect(errors("short").count == 1)
    }

    @Test func passwordsAlikeInTheirFirst72BytesAreStillDifferentPasswords() async {
        let hasher = PasswordHasher(cost: 4)
        let long = String(repeating: "correct horse battery staple ", count: 3)  // 87 bytes
        let hash = await hasher.hash(long + "one")
        #expect(await hasher.verify(long + "one", hash: hash))
        #expect(!(await hasher.verify(long + "two", hash: hash)))
        #expect(!hasher.needsRehash(hash))
        #expect(PasswordHasher(cost: 5).needsRehash(hash))
    }

    @Test func hashesOfThePasswordItselfStillVerifyAndAskForARehash() async {
        let hasher = PasswordHasher(cost: 4)
        let legacy = Bcrypt.hash("correct horse battery staple", cost: 4)
        #expect(await hasher.verify("correct horse battery staple", hash: legacy))
        #expect(!(await hasher.verify("correct horse battery stapler", hash: legacy)))
        #expect(hasher.needsRehash(legacy))
    }
}

import AcmeCore
