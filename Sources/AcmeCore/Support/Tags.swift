/// Tags on documents and settings: lowercase words of letters, digits, `-` and `_`, at most 40 characters.
public enum Tags {
    public static let maxLength = 40

    /// Trims, lowercases and de-duplicates `tags` (keeping first-seen order), adding an error for each bad
    /// tag and one for too many.
    public static func normalize(_ tags: [String], field: String, max: Int, into validator: inout Validator) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for (index, raw) in tags.enumerated() {
            // Most tags are already normal: lowercase ASCII, nothing to trim.
            let normal = isNormalASCII(raw)
            let tag = normal ? raw : raw.trimmingCharacters(in: .whitespaces).lowercased()
            let valid = (1...maxLength).contains(tag.count)
                && (normal || tag.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" })
            if !valid { validator.check(false, "\(field)[\(index)]", "must be 1–\(maxLength) letters, digits, - or _") }
            if valid, seen.insert(tag).inserted { result.append(tag) }
        }
        validator.check(result.count <= max, field, "must have at most \(max) tags")
        return result
    }

    /// Lowercase ASCII letters, digits, `-` and `_` only: a tag that trimming and lowercasing would not change.
    private static func isNormalASCII(_ tag: String) -> Bool {
        tag.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
