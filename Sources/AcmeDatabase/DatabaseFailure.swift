import AcmeCore
import PostgresNIO

/// The one place where database errors become client-visible outcomes: unique violations are 409,
/// check and not-null violations 422, a busy database 503. Everything else propagates as a server fault.
public enum DatabaseFailure {
    static func map<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw mapped(error)
        }
    }

    /// The connection pool's own errors (a lease given up while the server is unreachable) come from a
    /// module PostgresNIO does not export, so they are recognised by their type's module.
    static func isPoolFailure(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("_ConnectionPoolModule.")
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

    /// True for a unique violation, raw or mapped: inside a transaction's body a statement's error is still the
    /// driver's (the mapping wraps the whole transaction), so a body that words its own 409 asks here.
    public static func isConflict(_ error: any Error) -> Bool {
        if case AcmeError.conflict = mapped(error) { return true }
        return false
    }

    /// `error` as the client should see it, when it is one of the mapped failures.
    static func mapped(_ error: any Error) -> any Error {
        if let failure = error as? SQLiteFailure { return classify(failure) ?? error }
        if let failure = error as? PSQLError { return classify(failure) ?? error }
        if isPoolFailure(error) { return AcmeError.unavailable() }
        return error
    }

    /// PostgreSQL: by SQLSTATE for server errors; lost connections and a closing pool are 503.
    static func classify(_ error: PSQLError) -> AcmeError? {
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            switch state {
            case "23505": return .conflict("A resource with these unique values already exists.")
            case "23514", "23502", "23503": return .unprocessable("The values break a data constraint.")
            // statement timeout, serialization failure, deadlock, admin shutdown, too many connections
            case "57014", "40001", "40P01", "57P01", "57P02", "57P03", "53300": return .unavailable()
            default: return state.hasPrefix("08") ? .unavailable() : nil
            }
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
            .queryCancelled:
            return .unavailable()
        default:
            return nil
        }
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
