import AcmeCore
import Foundation
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
        return start(query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        guard !connection.isClosed else { throw StatementWatch.lost }
        try await watch.run(on: connection, start(query, onRow))
    }

    /// Starts the statement. Values of the common types go straight into PostgresNIO's bindings, as PostgresKit's
    /// translation would put them (it first tries each value as other kinds of value, which cost more than encoding
    /// it); a statement with any other value goes through PostgresKit.
    private func start(_ query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        let (sql, binds) = forwarded.serialize(query)
        let bindings: PostgresBindings?
        do {
            bindings = try Self.bindings(binds)
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        guard let bindings else { return forwarded.execute(sql: query, onRow) }
        connection.logger.trace("query", metadata: ["sql": "\(sql)"])
        return connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: connection.logger) { onRow($0.sql()) }
            .map { _ in }
    }

    private static func bindings(_ binds: [any Encodable & Sendable]) throws -> PostgresBindings? {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            switch bind {
            case let value as String: bindings.append(value, context: .default)
            case let value as Int64: bindings.append(value, context: .default)
            case let value as Int: bindings.append(value, context: .default)
            case let value as Bool: bindings.append(value, context: .default)
            case let value as Double: bindings.append(value, context: .default)
            case let value as Data: try bindings.append(value, context: .default)
            case let value as [String]: bindings.append(value, context: .default)
            case let value as [Int64]: bindings.append(value, context: .default)
            case let value as [Int]: bindings.append(value, context: .default)
            case let value as any OptionalBind where value.isNone: bindings.appendNull()
            default: return nil
            }
        }
        return bindings
    }
}

/// Tells a nil, whatever its wrapped type, from a value.
private protocol OptionalBind {
    var isNone: Bool { get }
}

extension Optional: OptionalBind {
    var isNone: Bool { self == nil }
}
