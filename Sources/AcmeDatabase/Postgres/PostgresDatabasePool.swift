import AcmeCore
import Logging
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// A service's PostgreSQL database: a bounded pool of connections (PostgresNIO's `PostgresClient`).
///
/// Reads take any connection; a transaction holds one connection from BEGIN to COMMIT. Connection loss and
/// a server restart surface as 503 (`DatabaseFailure`), and the pool reconnects by itself for the next
/// request. Statements that run longer than the statement timeout are cancelled by the server (503 too).
public final class PostgresDatabasePool: Database {
    public let name: String
    public var isShared: Bool { true }
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let gate: OperationGate
    private let logger: Logger
    private let acquireTimeout: Duration
    private let watch = StatementWatch()
    private let statements = PreparedStatements()
    private let leaseTimer = LeaseTimer()
    private let batcher = CommitBatcher()

    private init(name: String, client: PostgresClient, acquireTimeout: Duration, logger: Logger) {
        self.name = name
        self.client = client
        self.acquireTimeout = acquireTimeout
        self.logger = logger
        self.gate = OperationGate(name: name)
        self.runner = Task { [leaseTimer] in
            await withDiscardingTaskGroup { group in
                group.addTask { await client.run() }
                group.addTask { await leaseTimer.run() }
            }
        }
    }

    /// Connects to the database at `url` (postgres://user:password@host:port/database?sslmode=…), with at
    /// most `maxConnections` connections and `statementTimeout` per statement. An operation that gets no
    /// connection within `acquireTimeout` (the server is down or every connection is busy) fails with 503.
    /// With a `schema`, every connection works in that schema (created if missing) before `public`:
    /// tests isolate each run that way inside one database.
    public static func open(
        name: String, url: DatabaseURL, schema: String? = nil, maxConnections: Int = 10, statementTimeout: Duration = .seconds(30),
        acquireTimeout: Duration = .seconds(5), logger: Logger
    ) async throws -> PostgresDatabasePool {
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: try url.tls())
        configuration.options.maximumConnections = max(1, maxConnections)
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = acquireTimeout
        configuration.options.additionalStartupParameters = [
            ("statement_timeout", "\(Int(statementTimeout.components.seconds * 1000))"),
            ("application_name", "acme-\(name)"),
            // JIT compiles a statement whose estimated cost passes a threshold, which took 640 ms for a 30 ms search
            // (measured); the services' statements are short, so it never pays off.
            ("jit", "off"),
        ]
        if let schema { configuration.options.additionalStartupParameters.append(("search_path", "\(schema),public")) }
        let pool = PostgresDatabasePool(
            name: name, client: PostgresClient(configuration: configuration, backgroundLogger: logger),
            acquireTimeout: acquireTimeout, logger: logger)
        // Let the client's run loop start before the first lease (it warns about leases that come earlier).
        try? await Task.sleep(for: .milliseconds(5))
        do {
            try await pool.waitUntilReachable(url)
            if let schema {
                try await pool.read { db in try await db.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run() }
            }
        } catch {
            try? await pool.close()
            throw error
        }
        return pool
    }

    /// Start-up retries with backoff: the database may still be starting (containers, restarts). A refusal
    /// that no retry can change (wrong password, no such database) ends the start at once, saying why.
    private func waitUntilReachable(_ url: DatabaseURL, attempts: Int = 8) async throws {
        var delay = Duration.milliseconds(100)
        for attempt in 1...attempts {
            do {
                try await read { db in try await db.raw("SELECT 1").run() }
                return
            } catch {
                if let refusal = await Self.permanentRefusal(url, logger: logger) { throw refusal }
                if attempt == attempts { throw error }
                logger.warning("database not reachable yet; retrying", metadata: ["database": "\(name)", "error": "\(String(reflecting: error))"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(3))
            }
        }
    }

    /// The pool only reports that no connection came; one connection of our own shows what the server said.
    private static func permanentRefusal(_ url: DatabaseURL, logger: Logger) async -> DatabaseRefusal? {
        do {
            let connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 0, logger: logger)
            try? await connection.close()
            return nil
        } catch let error as PSQLError {
            let state = error.serverInfo?[.sqlState] ?? ""
            // 28xxx: invalid authorization (password, role, pg_hba.conf); 3D000: no such database.
            guard state.hasPrefix("28") || state == "3D000" else { return nil }
            return DatabaseRefusal(url: url, message: error.serverInfo?[.message] ?? state)
        } catch {
            return nil
        }
    }

    public func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await gate.run {
            try await DatabaseFailure.map {
                try await withConnection(body)
            }
        }
    }

    public func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await gate.run {
            try await DatabaseFailure.map {
                let (result, held) = try await withConnection { db -> (T, [SQLTemplate.Statement]) in
                    let transaction = PostgresTransaction(db)
                    do {
                        let result = try await body(transaction)
                        // Held-back statements only: they go below, grouped with other transactions', once this
                        // connection is back in the pool.
                        if let held = transaction.wholeTransaction() { return (result, held) }
                        try await transaction.commit()
                        return (result, [])
                    } catch {
                        await transaction.rollback()
                        throw error
                    }
                }
                if !held.isEmpty {
                    try await batcher.commit(held) { statements in
                        try await self.withConnection { db in try await PostgresTransaction.send(statements, on: db) }
                    }
                }
                return result
            }
        }
    }

    /// Runs `body` with a leased connection (refusing statements once it has closed), giving up with 503 when none comes within `acquireTimeout`.
    ///
    /// The pool itself waits for a connection as long as it takes (it keeps reconnecting while the server is
    /// down), so the lease runs in a child task next to a timer; whichever finishes first decides. `body` runs
    /// in that child while this task waits for it, so it never runs concurrently with its caller.
    private func withConnection<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            let operation = UncheckedSendableBox(body)
            let leased = LeaseFlag()
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { [client, watch, statements] in
                    try await client.withConnection { connection in
                        leased.set()
                        return try await operation.value(OpenConnectionDatabase(connection, watch: watch, statements: statements))
                    }
                }
                group.addTask { [acquireTimeout, name, leaseTimer] in
                    await leaseTimer.sleep(for: acquireTimeout)
                    try Task.checkCancellation()
                    guard leased.isSet else {
                        throw AcmeError.unavailable("The \(name) database is not reachable; retry shortly.")
                    }
                    return nil
                }
                while let result = try await group.next() {
                    if let result {
                        group.cancelAll()
                        return result
                    }
                }
                throw CancellationError()
            }
        }
    }

    public func close() async throws {
        guard await gate.close() else { return }
        runner.cancel()
        await runner.value
    }
}

/// Set once the lease has a connection; read by the acquire timer.
private final class LeaseFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// Carries the non-escaping operation into the lease's child task; safe because the caller awaits the child
/// and never touches the operation's state meanwhile.
private struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The PostgreSQL server refused the connection for a reason that retrying cannot change.
public struct DatabaseRefusal: Error, CustomStringConvertible {
    public var url: DatabaseURL
    public var message: String

    public var description: String { "PostgreSQL at \(url) refused the connection: \(message)" }
}
