/// Tags on documents and settings: lowercase words of letters, digits, `-` and `_`, at most 40 characters.
public enum Tags {
    public static let maxLength = 40

    /// Trims, lowercases and de-duplicates `tags` (keeping first-seen order), adding an error for each bad
    /// tag and one for too many.
    public static func normalize(_ tags: [String], field: String, max: Int, into validator: inout Validator) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for (index, raw) in tags.enumerated() {
            let tag = raw.trimmingCharacters(in: .whitespaces).lowercased()
            let valid = (1...maxLength).contains(tag.count)
                && tag.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
            validator.check(valid, "\(field)[\(index)]", "must be 1–\(maxLength) letters, digits, - or _")
            if valid, seen.insert(tag).inserted { result.append(tag) }
        }
        validator.check(result.count <= max, field, "must have at most \(max) tags")
        return result
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
