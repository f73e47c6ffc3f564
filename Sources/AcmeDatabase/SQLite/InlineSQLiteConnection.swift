import AcmeCore
import CSQLiteSettings
import NIOCore
import SQLiteNIO
import Synchronization
import VaporCSQLite

/// One SQLite connection driven directly through the C API, on the calling thread.
///
/// SQLiteNIO hands every statement to a thread pool and back; for the microsecond statements of a WAL
/// database that round trip of thread wake-ups cost more than the SQL itself (a third of the CPU of a
/// write). Here a statement runs inline under a lock, with its prepared form cached for reuse; only what
/// can wait on the disk (COMMIT, which fsyncs and may checkpoint) goes to a thread pool, via `runBlocking`.
final class InlineSQLiteConnection: Sendable {
    /// Only touched under the lock, which is what makes the raw pointers safe to share.
    private struct State: ~Copyable, @unchecked Sendable {
        var handle: OpaquePointer?
        /// Prepared statements by SQL text, reused after `sqlite3_reset`.
        var statements: [String: OpaquePointer] = [:]
    }

    private let state: Mutex<State>
    static let statementCacheSize = 256

    private init(handle: OpaquePointer) {
        state = Mutex(State(handle: handle))
    }

    static func open(path: String) throws -> InlineSQLiteConnection {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite_nio_sqlite3_close_v2(handle)
            throw SQLiteFailure(code: status, message: "\(message) (\(path))")
        }
        sqlite_nio_sqlite3_extended_result_codes(handle, 1)
        do {
            let status = acme_sqlite_enable_qpsg(handle)
            guard status == SQLITE_OK else { throw SQLiteFailure(handle: handle, code: status) }
            try FTS5Rank.install(on: handle)
        } catch {
            sqlite_nio_sqlite3_close_v2(handle)
            throw error
        }
        let connection = InlineSQLiteConnection(handle: handle)
        try connection.installSimilarity()
        return connection
    }

    /// Runs one statement and hands each result row to `onRow`.
    func execute(_ sql: String, _ binds: [SQLiteData], onRow: (InlineSQLiteRow) throws -> Void) throws {
        try state.withLock { state in
            guard let handle = state.handle else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "connection closed") }
            let statement = try Self.prepared(sql, handle: handle, cache: &state.statements)
            defer {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            try Self.bind(binds, to: statement, handle: handle)
            let count = sqlite_nio_sqlite3_column_count(statement)
            var columns: InlineSQLiteRow.Columns?
            while true {
                let status = sqlite_nio_sqlite3_step(statement)
                if status == SQLITE_DONE { return }
                guard status == SQLITE_ROW else { throw SQLiteFailure(handle: handle, code: status) }
                if columns == nil {
                    columns = InlineSQLiteRow.Columns(names: (0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) })
                }
                try onRow(InlineSQLiteRow(columns: columns!, values: (0..<count).map { Self.value(statement, $0) }))
            }
        }
    }

    /// A statement that may wait on the disk, run off the cooperative thread pool.
    func runBlocking(_ sql: String) async throws {
        try await NIOThreadPool.singleton.runIfActive { try self.execute(sql, []) { _ in } }
    }

    func close() {
        state.withLock { state in
            for statement in state.statements.values { sqlite_nio_sqlite3_finalize(statement) }
            state.statements = [:]
            if let handle = state.handle { sqlite_nio_sqlite3_close_v2(handle) }
            state.handle = nil
        }
    }

    // MARK: Statements

    private static func prepared(_ sql: String, handle: OpaquePointer, cache: inout [String: OpaquePointer]) throws -> OpaquePointer {
        if let statement = cache[sql] { return statement }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw SQLiteFailure(handle: handle, code: status) }
        if cache.count >= statementCacheSize {
            // Rare: a bounded set of queries is the norm; dropping everything keeps this simple.
            for old in cache.values { sqlite_nio_sqlite3_finalize(old) }
            cache.removeAll(keepingCapacity: true)
        }
        cache[sql] = statement
        return statement
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func bind(_ binds: [SQLiteData], to statement: OpaquePointer, handle: OpaquePointer) throws {
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let integer): status = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(integer))
            case .float(let double): status = sqlite_nio_sqlite3_bind_double(statement, index, double)
            case .text(let text):
                status = sqlite_nio_sqlite3_bind_text64(statement, index, text, UInt64(text.utf8.count), transient, UInt8(SQLITE_UTF8))
            case .blob(let buffer):
                status = buffer.withUnsafeReadableBytes {
                    sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), transient)
                }
            case .null: status = sqlite_nio_sqlite3_bind_null(statement, index)
            }
            guard status == SQLITE_OK else { throw SQLiteFailure(handle: handle, code: status) }
        }
    }

    private static func value(_ statement: OpaquePointer, _ column: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(SQLiteInt64(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .text("") }
            let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            guard let bytes = sqlite_nio_sqlite3_column_blob(statement, column), length > 0 else { return .blob(ByteBuffer()) }
            return .blob(ByteBuffer(bytes: UnsafeRawBufferPointer(start: bytes, count: length)))
        default: return .null
        }
    }

    // MARK: Functions

    /// `similarity(a, b)` as pg_trgm defines it, and `name_match(name, query)` (see `Trigram`), so stores
    /// rank fuzzy matches with the same SQL on both backends. NULL in, NULL out.
    private func installSimilarity() throws {
        try state.withLock { state in
            guard let handle = state.handle else { return }
            for (name, function) in [
                ("similarity", { (a: String, b: String) in Trigram.similarity(a, b) }),
                ("name_match", { (a: String, b: String) in Trigram.nameMatch(a, b) }),
            ] {
                let box = Unmanaged.passRetained(FunctionBox(function)).toOpaque()
                let status = sqlite_nio_sqlite3_create_function_v2(
                    handle, name, 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, box,
                    { context, count, arguments in
                        guard count == 2, let arguments,
                            let a = sqlite_nio_sqlite3_value_text(arguments[0]), let b = sqlite_nio_sqlite3_value_text(arguments[1]),
                            let box = sqlite_nio_sqlite3_user_data(context)
                        else {
                            sqlite_nio_sqlite3_result_null(context)
                            return
                        }
                        let function = Unmanaged<FunctionBox>.fromOpaque(box).takeUnretainedValue().function
                        sqlite_nio_sqlite3_result_double(context, function(String(cString: a), String(cString: b)))
                    },
                    nil, nil, { box in box.map { Unmanaged<FunctionBox>.fromOpaque($0).release() } })
                guard status == SQLITE_OK else { throw SQLiteFailure(handle: handle, code: status) }
            }
        }
    }

    /// Carries a Swift closure through SQLite's `void *` user data.
    private final class FunctionBox {
        let function: (String, String) -> Double
        init(_ function: @escaping (String, String) -> Double) { self.function = function }
    }
}

/// An error from SQLite, with its extended result code (e.g. 2067 for a UNIQUE constraint).
public struct SQLiteFailure: Error, CustomStringConvertible {
    public var code: Int32
    public var message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(handle: OpaquePointer, code: Int32) {
        self.code = sqlite_nio_sqlite3_extended_errcode(handle)
        self.message = String(cString: sqlite_nio_sqlite3_errmsg(handle))
        if self.code == SQLITE_OK { self.code = code }
    }

    public var description: String { "SQLite error \(code): \(message)" }
}
