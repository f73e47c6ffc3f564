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
struct OpenConnectionDatabase: ForwardingDatabase {
    let connection: PostgresConnection
    let forwarded: any SQLDatabase
    let watch: StatementWatch

    init(_ connection: PostgresConnection, watch: StatementWatch) {
        self.connection = connection
        self.forwarded = connection.sql(queryLogLevel: .trace)
        self.watch = watch
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        guard !connection.isClosed else { return eventLoop.makeFailedFuture(StatementWatch.lost) }
        return forwarded.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        guard !connection.isClosed else { throw StatementWatch.lost }
        try await watch.run(on: connection, forwarded.execute(sql: query, onRow))
    }
}
