/// Collects field errors so a request reports all of its problems at once.
public struct Validator: Sendable {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func check(_ condition: Bool, _ field: String, _ message: String) {
        if !condition { errors.append(FieldError(field: field, message: message)) }
    }

    /// A required, trimmed string of `range` characters; returns the trimmed value.
    @discardableResult
    public mutating func text(_ value: String?, _ field: String, length range: ClosedRange<Int>) -> String {
        let trimmed = value.map(Self.trimmed) ?? ""
        if trimmed.isEmpty, range.lowerBound > 0 {
            errors.append(FieldError(field: field, message: "must not be empty"))
        } else if !range.contains(trimmed.count) {
            errors.append(FieldError(field: field, message: "must be \(range.lowerBound) to \(range.upperBound) characters"))
        } else if Self.hasControlCharacter(trimmed) {
            errors.append(FieldError(field: field, message: "must not contain control characters"))
        }
        return trimmed
    }

    /// `value` without leading and trailing white space; a value that starts and ends with a visible ASCII
    /// character (nearly all) is returned as it is, without Foundation's character set lookups.
    static func trimmed(_ value: String) -> String {
        if let first = value.utf8.first, let last = value.utf8.last, isVisibleASCII(first), isVisibleASCII(last) { return value }
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether `value` holds a control character (general category Cc), by bytes when it is ASCII.
    static func hasControlCharacter(_ value: String) -> Bool {
        if value.utf8.allSatisfy({ $0 < 0x80 }) { return value.utf8.contains { $0 < 0x20 || $0 == 0x7F } }
        return value.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    private static func isVisibleASCII(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }

    public func finish() throws(AcmeError) {
        if !errors.isEmpty { throw .validation(errors) }
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
