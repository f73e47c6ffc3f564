import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encrypts secrets the server must read back (TOTP seeds, signing keys) before they are stored, with
/// AES-256-GCM under a key that lives outside the database. A copied database file or backup then holds
/// no usable secret.
public struct SecretBox: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case malformedKey
        case cannotOpen

        /// What an operator reads when the server refuses to start (a database sealed under another key).
        public var description: String {
            switch self {
            case .malformedKey: "The secrets key must be 32 bytes, base64-encoded."
            case .cannotOpen:
                "A stored secret cannot be decrypted with this secrets key: start with the key the data was sealed "
                    + "with (ACME_SECRETS_KEY, or secrets.key in the data directory)."
            }
        }
    }

    private let key: SymmetricKey
    private static let prefix = "v1:"

    public init(key: SymmetricKey) {
        self.key = key
    }

    /// A box from a base64-encoded 32-byte key.
    public init(base64Key: String) throws(Failure) {
        guard let data = Data(base64Encoded: base64Key), data.count == 32 else { throw .malformedKey }
        self.init(key: SymmetricKey(data: data))
    }

    public static func generateKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    public func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key)
        guard let combined = box.combined else { throw Failure.cannotOpen }
        return Self.prefix + combined.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix(Self.prefix), let data = Data(base64Encoded: String(sealed.dropFirst(Self.prefix.count))) else {
            throw Failure.cannotOpen
        }
        do {
            let plaintext = try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key)
            guard let string = String(data: plaintext, encoding: .utf8) else { throw Failure.cannotOpen }
            return string
        } catch {
            throw Failure.cannotOpen
        }
    }
}
