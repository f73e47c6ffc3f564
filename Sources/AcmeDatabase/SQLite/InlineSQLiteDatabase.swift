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
        // Templates, the statements of hot paths, are already text.
        let (sql, binds) = (query as? SQLTemplate.Statement).map { ($0.text.anonymous, $0.binds) } ?? serialize(query)
        let values = try binds.map(Self.value)
        logger.trace("query", metadata: ["sql": "\(sql)"])
        try connection.execute(sql, values) { onRow($0) }
    }

    /// The common types directly, as `SQLiteDataConvertible` converts them (a cast to a concrete type costs less than
    /// the encoder's cast to that protocol); anything else, and nil, through the encoder.
    private static func value(_ bind: any Encodable & Sendable) throws -> SQLiteData {
        switch bind {
        case let value as String: .text(value)
        case let value as Int64: .integer(Int(value))
        case let value as Int: .integer(value)
        case let value as Bool: .integer(value ? 1 : 0)
        case let value as Double: .float(value)
        default: try encoder.encode(bind)
        }
    }
}
