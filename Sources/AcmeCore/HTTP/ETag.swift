/// Strong ETags derived from a resource's version, and the `If-Match` rule.
public enum ETag {
    public static func make(version: Int64) -> String { "\"v\(version)\"" }

    /// Passes when `ifMatch` is absent (optional concurrency control) or names the current version;
    /// throws 412 otherwise. `*` matches any existing resource.
    public static func check(_ ifMatch: String?, current: String) throws(AcmeError) {
        guard let ifMatch else { return }
        let candidates = ifMatch.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if candidates.contains("*") || candidates.contains(current) { return }
        throw .preconditionFailed()
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
