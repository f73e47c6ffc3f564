import SQLKit

/// A service's database: concurrent reads and serializable write transactions.
///
/// Stores write dialect-neutral SQLKit queries against the `SQLDatabase` handed to them; the dialect
/// (SQLite in embedded mode, PostgreSQL when configured) is the implementation's business.
public protocol Database: Sendable {
    /// A name for logs and errors, e.g. `auth`.
    var name: String { get }
    /// Runs `body` with a connection for reads. Reads never block on writes.
    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// Closes every connection; later calls fail.
    func close() async throws
    /// Whether other processes use the database at the same time (PostgreSQL: several instances of a
    /// service), so that work claimed from it, such as outbox rows, needs locks.
    var isShared: Bool { get }
}

extension Database {
    public var isShared: Bool { false }
}
