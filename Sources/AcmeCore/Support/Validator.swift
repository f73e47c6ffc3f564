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
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if trimmed.isEmpty, range.lowerBound > 0 {
            errors.append(FieldError(field: field, message: "must not be empty"))
        } else if !range.contains(trimmed.count) {
            errors.append(FieldError(field: field, message: "must be \(range.lowerBound) to \(range.upperBound) characters"))
        } else if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            errors.append(FieldError(field: field, message: "must not contain control characters"))
        }
        return trimmed
    }

    public func finish() throws(AcmeError) {
        if !errors.isEmpty { throw .validation(errors) }
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
