import AcmeCore

/// One-time MFA recovery codes: `xxxxx-xxxxx` from an unambiguous alphabet, stored hashed.
enum RecoveryCode {
    static let count = 10
    private static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")

    static func make() -> String {
        let characters = SecureRandom.bytes(10).map { alphabet[Int($0) % alphabet.count] }
        return String(characters[0..<5]) + "-" + String(characters[5..<10])
    }

    /// Users type codes with or without the hyphen, in any case.
    static func normalize(_ input: String) -> String {
        let compact = input.lowercased().filter { $0 != "-" && !$0.isWhitespace }
        guard compact.count == 10 else { return compact }
        return String(compact.prefix(5)) + "-" + String(compact.suffix(5))
    }

    static func looksLikeRecoveryCode(_ input: String) -> Bool {
        normalize(input).count == 11
    }
}
