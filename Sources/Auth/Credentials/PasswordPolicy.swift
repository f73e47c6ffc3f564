import AcmeCore

import Foundation

/// Password rules: 10–128 characters, no NUL, and not one of the 1,000 most common passwords
/// (`Resources/common-passwords.txt`, ranked list shipped with Django, BSD licence).
public struct PasswordPolicy: Sendable {
    public static let length = 10...128
    private let common: Set<String>

    public init(common: Set<String>) {
        self.common = common
    }

    /// The policy with the bundled list.
    public static func bundled() throws -> PasswordPolicy {
        guard let url = Bundle.module.url(forResource: "common-passwords", withExtension: "txt") else {
            throw CocoaError(.fileNoSuchFile)
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        return PasswordPolicy(common: Set(text.split(whereSeparator: \.isNewline).map { $0.lowercased() }))
    }

    /// Adds the field errors for `password` (if any) to `validator`.
    public func check(_ password: String, field: String, email: String? = nil, into validator: inout Validator) {
        if !Self.length.contains(password.count) {
            validator.check(false, field, "must be \(Self.length.lowerBound) to \(Self.length.upperBound) characters")
        } else if common.contains(password.lowercased()) {
            validator.check(false, field, "is one of the most common passwords; choose another")
        } else if let email, password.lowercased() == email.lowercased() {
            validator.check(false, field, "must not be your e-mail address")
        } else if password.utf8.contains(0) {
            // Hashes made before `PasswordHasher` hashed digests read the password as a C string ("abc\0" and
            // anything after it were one password); no one types a NUL anyway.
            validator.check(false, field, "must not contain NUL characters")
        }
    }
}
