import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

/// SQLKit's view of an `InlineSQLiteConnection`: queries are serialised by SQLKit with the SQLite dialect
/// and run inline.
struct InlineSQLiteDatabase: SQLDatabase {
    let connection: InlineSQLiteConnection
    let logger: Logger

    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var dialect: any SQLDialect { TrustedIdentifierDialect(SQLiteDialect()) }
    var queryLogLevel: Logger.Level? { .trace }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try run(query, onRow)
    }

    /// Made once: each one carries a `JSONEncoder`, whose set-up cost more than most statements' binding.
    private static let encoder = SQLiteDataEncoder()

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> ()) throws {
        let (sql, binds) = serialize(query)
        let values = try binds.map { try Self.encoder.encode($0) }
        logger.trace("query", metadata: ["sql": "\(sql)"])
        try connection.execute(sql, values) { onRow($0) }
    }
}
