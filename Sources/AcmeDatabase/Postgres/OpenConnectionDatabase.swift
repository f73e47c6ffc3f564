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
    let statements: PreparedStatements

    init(_ connection: PostgresConnection, watch: StatementWatch, statements: PreparedStatements) {
        self.connection = connection
        self.forwarded = connection.sql(queryLogLevel: .trace)
        self.watch = watch
        self.statements = statements
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
    /// it), and a statement this connection has run before is prepared (see ``PreparedStatements``); a statement
    /// with any other value goes through PostgresKit.
    private func start(_ query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        let (sql, binds) = forwarded.serialize(query)
        let typed: (bindings: PostgresBindings, types: [PostgresDataType])?
        do {
            typed = try Self.bindings(binds)
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        guard let (bindings, types) = typed else { return forwarded.execute(sql: query, onRow) }
        connection.logger.trace("query", metadata: ["sql": "\(sql)"])
        let key = PreparedStatements.Key(sql: sql, types: types)
        let use = statements.use(key, on: connection)
        let unnamed: @Sendable () -> EventLoopFuture<Void> = { [connection] in
            connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: connection.logger) { onRow(PostgresSQLRow($0)) }.map { _ in }
        }
        guard case .named(let name, _) = use else { return unnamed() }
        return eventLoop.makeFutureWithTask { [connection, statements] in
            do {
                try await NamedStatement.$current.withValue(.init(name: name, sql: sql)) {
                    for try await row in try await connection.execute(NamedStatement(bindings: bindings), logger: connection.logger) {
                        onRow(PostgresSQLRow(row))
                    }
                }
                statements.ran(key, as: use, on: connection, error: nil)
            } catch {
                guard statements.ran(key, as: use, on: connection, error: error) == .stale else { throw error }
                // A stale plan fails before the statement runs, so it can run again, unnamed; inside a transaction
                // the failure has aborted it and the caller gets the first error.
                do {
                    try await unnamed().get()
                } catch let retry as PSQLError where retry.serverInfo?[.sqlState] == "25P02" {
                    throw error
                }
            }
        }
    }

    /// The bindings and their types (PostgresNIO's bindings keep theirs to themselves), or nil if a value is of
    /// another type.
    private static func bindings(_ binds: [any Encodable & Sendable]) throws -> (PostgresBindings, [PostgresDataType])? {
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [PostgresDataType] = []
        types.reserveCapacity(binds.count)
        for bind in binds {
            switch bind {
            case let value as String: bindings.append(value, context: .default); types.append(.text)
            case let value as Int64: bindings.append(value, context: .default); types.append(.int8)
            case let value as Int: bindings.append(value, context: .default); types.append(.int8)
            case let value as Bool: bindings.append(value, context: .default); types.append(.bool)
            case let value as Double: bindings.append(value, context: .default); types.append(.float8)
            case let value as Data: try bindings.append(value, context: .default); types.append(.bytea)
            case let value as [String]: bindings.append(value, context: .default); types.append(.textArray)
            case let value as [Int64]: bindings.append(value, context: .default); types.append(.int8Array)
            case let value as [Int]: bindings.append(value, context: .default); types.append(.int8Array)
            case let value as any OptionalBind where value.isNone: bindings.appendNull(); types.append(.null)
            default: return nil
            }
        }
        return (bindings, types)
    }
}

/// Tells a nil, whatever its wrapped type, from a value.
private protocol OptionalBind {
    var isNone: Bool { get }
}

extension Optional: OptionalBind {
    var isNone: Bool { self == nil }
}
