import AcmeCore
import Logging
import NIOPosix
import SQLKit
import Synchronization

/// The embedded backend: one SQLite file in WAL mode, one writer connection and a few readers.
///
/// SQLite allows one writer at a time; funnelling every write transaction through a single connection
/// (`GroupCommitWriter`) turns contention into a queue instead of `SQLITE_BUSY` retries and lets queued
/// transactions share one fsync, while WAL lets the reader connections run alongside it. Statements run
/// inline (`InlineSQLiteConnection`); only commits go to a thread pool.

public final class SQLiteDatabasePool: Database {
    public enum Durability: String, Sendable, CaseIterable {
        /// fsync on every commit: nothing acknowledged is lost even on power failure.
        case full
        /// fsync at checkpoints only: survives a process crash, may lose the last commits on power loss.
        case normal
    }

    public let name: String
    private let writer: InlineSQLiteConnection
    private let readers: [InlineSQLiteDatabase]
    private let writes: GroupCommitWriter
    private let nextReader = Atomic<Int>(0)
    private let gate: OperationGate

    private init(name: String, writer: InlineSQLiteConnection, readers: [InlineSQLiteConnection], logger: Logger) {
        self.name = name
        self.writer = writer
        self.readers = readers.map { InlineSQLiteDatabase(connection: $0, logger: logger) }
        self.writes = GroupCommitWriter(database: InlineSQLiteDatabase(connection: writer, logger: logger))
        self.gate = OperationGate(name: name)
    }

    /// Opens (creating if needed) the database at `path`.
    public static func open(
        name: String, path: String, readers readerCount: Int = 4, durability: Durability = .full,
        logger: Logger
    ) async throws -> SQLiteDatabasePool {
        try await NIOThreadPool.singleton.runIfActive {
            var opened: [InlineSQLiteConnection] = []
            do {
                let writer = try InlineSQLiteConnection.open(path: path)
                opened.append(writer)
                try configure(writer, [
                    "PRAGMA journal_mode = WAL", "PRAGMA synchronous = \(durability.rawValue.uppercased())",
                    "PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000",
                    // Savepoint journals (one per grouped transaction) stay in memory, not in temp files.
                    "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -16000",
                ])
                var readers: [InlineSQLiteConnection] = []
                for _ in 0..<max(1, readerCount) {
                    let reader = try InlineSQLiteConnection.open(path: path)
                    opened.append(reader)
                    // Readers map the file: a page read is then a memory access, not a read() call, which is most
                    // of the cost of lookups spread over a large table (search candidates, for one).
                    try configure(reader, [
                        "PRAGMA foreign_keys = ON", "PRAGMA query_only = ON", "PRAGMA busy_timeout = 5000",
                        "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -8000", "PRAGMA mmap_size = 1073741824",
                    ])
                    readers.append(reader)
                }
                return SQLiteDatabasePool(name: name, writer: writer, readers: readers, logger: logger)
            } catch {
                for connection in opened { connection.close() }
                throw error
            }
        }
    }

    private static func configure(_ connection: InlineSQLiteConnection, _ pragmas: [String]) throws {
        for pragma in pragmas { try connection.execute(pragma, []) { _ in } }
    }

    public func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.add(1, ordering: .relaxed).newValue
        let reader = readers[Int(UInt(bitPattern: index) % UInt(readers.count))]
        return try await gate.run { try await DatabaseFailure.map { try await body(reader) } }
    }

    public func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await gate.run { try await writes.transaction(body) }
    }

    /// Waits for running operations, refuses new ones (503), then closes every connection.
    public func close() async throws {
        guard await gate.close() else { return }
        for reader in readers { reader.connection.close() }
        writer.close()
    }
}
