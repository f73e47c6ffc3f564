import AcmeCore

/// The one place where database errors become client-visible outcomes: unique violations are 409,
/// check and not-null violations 422, a busy database 503. Everything else propagates as a server fault.
public enum DatabaseFailure {
    static func map<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SQLiteFailure {
            throw classify(error) ?? error
        }
    }

    /// SQLite's extended result codes (C macros, which Swift does not import).
    enum Code {
        static let busy: Int32 = 5
        static let locked: Int32 = 6
        static let busyTimeout: Int32 = 5 | (3 << 8)
        static let constraintCheck: Int32 = 19 | (1 << 8)
        static let constraintNotNull: Int32 = 19 | (5 << 8)
        static let constraintPrimaryKey: Int32 = 19 | (6 << 8)
        static let constraintUnique: Int32 = 19 | (8 << 8)
    }

    /// `error` as the client should see it, when it is one of the mapped failures.
    static func mapped(_ error: any Error) -> any Error {
        guard let failure = error as? SQLiteFailure else { return error }
        return classify(failure) ?? error
    }

    static func classify(_ error: SQLiteFailure) -> AcmeError? {
        switch error.code {
        case Code.constraintUnique, Code.constraintPrimaryKey:
            return .conflict("A resource with these unique values already exists.")
        case Code.constraintCheck, Code.constraintNotNull:
            return .unprocessable("The values break a data constraint.")
        case Code.busy, Code.locked, Code.busyTimeout:
            return .unavailable()
        default:
            return nil
        }
    }
}
