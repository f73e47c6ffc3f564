import AcmeCore
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQLRow {
    /// Timestamps are stored as integer milliseconds since the epoch (same sort order in every dialect).
    public func date(_ column: String) throws -> Date {
        Timestamp.date(millis: try decode(column: column, as: Int64.self))
    }

    public func optionalDate(_ column: String) throws -> Date? {
        try decode(column: column, as: Int64?.self).map(Timestamp.date(millis:))
    }

    public func string(_ column: String) throws -> String {
        try decode(column: column, as: String.self)
    }

    public func optionalString(_ column: String) throws -> String? {
        try decode(column: column, as: String?.self)
    }

    /// A `RawRepresentable` enum stored as its raw string; an unknown value is a data fault, not a crash.
    public func value<T: RawRepresentable>(_ column: String, as type: T.Type) throws -> T where T.RawValue == String {
        let raw = try decode(column: column, as: String.self)
        guard let value = T(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "Unknown \(T.self) '\(raw)' in \(column)"))
        }
        return value
    }
}

extension Date {
    /// This date as stored in a timestamp column.
    public var millis: Int64 { Timestamp.millis(self) }
}
