import AcmeCore
import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit

/// A leased PostgreSQL connection as an `SQLDatabase` whose statements end when the connection does.
///
/// A statement on a connection that has already closed fails at once, and one in flight when the server
/// goes away fails through `StatementWatch`; both are 503 instead of a request that never returns.
struct OpenConnectionDatabase: SQLDatabase {
    let connection: PostgresConnection
    let base: any SQLDatabase
    let watch: StatementWatch

    init(_ connection: PostgresConnection, watch: StatementWatch) {
        self.connection = connection
        self.base = connection.sql(queryLogLevel: .trace)
        self.watch = watch
    }

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        guard !connection.isClosed else { return eventLoop.makeFailedFuture(StatementWatch.lost) }
        return base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        guard !connection.isClosed else { throw StatementWatch.lost }
        try await watch.run(on: connection, base.execute(sql: query, onRow))
    }
}
