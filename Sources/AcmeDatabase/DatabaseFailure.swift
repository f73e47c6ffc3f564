import AcmeCore
import SQLiteNIO

/// The one place where database errors become client-visible outcomes: unique violations are 409,
/// check and not-null violations 422. Everything else propagates as a server fault.
public enum DatabaseFailure {
    static func map<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SQLiteError {
            throw classify(error) ?? error
        }
    }

    static func classify(_ error: SQLiteError) -> AcmeError? {
        switch error.reason {
        case .constraintUniqueFailed, .constraintPrimaryKeyFailed:
            return .conflict("A resource with these unique values already exists.")
        case .constraintCheckFailed, .constraintNotNullFailed:
            return .unprocessable("The values break a data constraint.")
        case .busy, .busyTimeout, .locked:
            return .unavailable()
        default:
            return nil
        }
    }
}
