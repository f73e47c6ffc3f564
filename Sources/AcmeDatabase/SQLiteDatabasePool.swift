import Logging
import SQLKit
import SQLiteKit
import SQLiteNIO
import AcmeCore
import Synchronization

/// The embedded backend: one SQLite file in WAL mode, one writer connection and a few readers.
///
/// SQLite allows one writer at a time; funnelling every write transaction through a single connection
/// (`GroupCommitWriter`) turns contention into a queue instead of `SQLITE_BUSY` retries and lets queued
/// transactions share one fsync, while WAL lets the reader connections run alongside it.
public final class SQLiteDatabasePool: Database {
    public enum Durability: String, Sendable, CaseIterable {
        /// fsync on every commit: nothing acknowledged is lost even on power failure.
        case full
        /// fsync at checkpoints only: survives a process crash, may lose the last commits on power loss.
        case normal
    }

    public let name: String
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writes: GroupCommitWriter
    private let nextReader = Atomic<Int>(0)
    private let gate: OperationGate

    private init(name: String, writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.name = name
        self.gate = OperationGate(name: name)
        self.writer = writer
        self.readers = readers
        self.writes = GroupCommitWriter(database: writer.sql())
    }

    /// Opens (creating if needed) the database at `path`.
    public static func open(
        name: String, path: String, readers readerCount: Int = 4, durability: Durability = .full,
        logger: Logger
    ) async throws -> SQLiteDatabasePool {
        let storage = SQLiteConnection.Storage.file(path: path)
        let writer = try await SQLiteConnection.open(storage: storage, logger: logger)
        var readers: [SQLiteConnection] = []
        do {
            try await configure(writer, pragmas: [
                "PRAGMA journal_mode = WAL", "PRAGMA synchronous = \(durability.rawValue.uppercased())",
                "PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000",
            ])
            for _ in 0..<max(1, readerCount) {
                let reader = try await SQLiteConnection.open(storage: storage, logger: logger)
                readers.append(reader)
                try await configure(reader, pragmas: ["PRAGMA foreign_keys = ON", "PRAGMA query_only = ON"])
            }
        } catch {
            try? await writer.close()
            for reader in readers { try? await reader.close() }
            throw error
        }
        return SQLiteDatabasePool(name: name, writer: writer, readers: readers)
    }

    private static func configure(_ connection: SQLiteConnection, pragmas: [String]) async throws {
        for pragma in pragmas {
            _ = try await connection.query(pragma)
        }
        try await connection.install(customFunction: similarityFunction())
    }

    /// `similarity(a, b)` as in pg_trgm (see `Trigram`), so stores can rank fuzzy matches with the same SQL
    /// on both backends. NULL in, NULL out.
    private static func similarityFunction() -> SQLiteCustomFunction {
        SQLiteCustomFunction("similarity", argumentCount: 2, pure: true) { arguments in
            guard case .text(let a) = arguments[0], case .text(let b) = arguments[1] else { return nil }
            return Trigram.similarity(a, b)
        }
    }

    public func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.add(1, ordering: .relaxed).newValue
        let reader = readers[Int(UInt(bitPattern: index) % UInt(readers.count))]
        return try await gate.run { try await DatabaseFailure.map { try await body(reader.sql()) } }
    }

    public func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await gate.run { try await writes.transaction(body) }
    }

    /// Waits for running operations, refuses new ones (503), then closes every connection, even if one
    /// fails to close (SQLiteNIO asserts on a connection dropped unclosed).
    public func close() async throws {
        guard await gate.close() else { return }
        var firstError: (any Error)?
        for connection in readers + [writer] {
            do {
                try await connection.close()
            } catch {
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
    }
}
