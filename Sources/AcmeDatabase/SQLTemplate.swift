import SQLKit
import Synchronization

/// A statement written once with SQLKit's builders, serialized once per dialect (and row count), and then
/// run with fresh values.
///
/// Building and serializing an expression tree on every run cost more CPU than SQLite took to execute the
/// small inserts of a document create (a tenth of the create's CPU went to SQLKit's serializer), so the
/// statements on hot write paths are templates. The builder's values are placeholders: write each as
/// `SQLBind` of any value (`SQLTemplate.placeholder`); only their positions matter.
public final class SQLTemplate: Sendable {
    private struct Key: Hashable {
        var dialect: String
        var rows: Int
    }

    private struct Text {
        var sql: String
        var binds: Int
    }

    private let build: @Sendable (any SQLDatabase, Int) -> any SQLExpression
    private let texts = Mutex<[Key: Text]>([:])

    /// A value's place in a template.
    public static let placeholder = SQLBind(0)

    /// A statement whose text varies with a row count (a multi-row insert): `build` gets the count.
    public init(rows build: @escaping @Sendable (any SQLDatabase, _ rows: Int) -> any SQLExpression) {
        self.build = build
    }

    public convenience init(_ build: @escaping @Sendable (any SQLDatabase) -> any SQLExpression) {
        self.init(rows: { db, _ in build(db) })
    }

    /// The statement for `db` with `binds` in the placeholders' order.
    public func query(_ db: any SQLDatabase, rows: Int = 1, _ binds: [any Encodable & Sendable]) -> some SQLExpression {
        let key = Key(dialect: db.dialect.name, rows: rows)
        let text = texts.withLock { $0[key] } ?? {
            var serializer = SQLSerializer(database: db)
            build(db, rows).serialize(to: &serializer)
            let text = Text(sql: serializer.sql, binds: serializer.binds.count)
            texts.withLock { $0[key] = text }
            return text
        }()
        precondition(binds.count == text.binds, "\(binds.count) values for a statement with \(text.binds) placeholders: \(text.sql)")
        return Serialized(sql: text.sql, binds: binds)
    }

    public func run(_ db: any SQLDatabase, rows: Int = 1, _ binds: [any Encodable & Sendable]) async throws {
        try await db.execute(sql: query(db, rows: rows, binds)) { _ in }
    }

    public func all(_ db: any SQLDatabase, rows: Int = 1, _ binds: [any Encodable & Sendable]) async throws -> [any SQLRow] {
        let found = Mutex<[any SQLRow]>([])
        try await db.execute(sql: query(db, rows: rows, binds)) { row in found.withLock { $0.append(row) } }
        return found.withLock { $0 }
    }

    public func first(_ db: any SQLDatabase, _ binds: [any Encodable & Sendable]) async throws -> (any SQLRow)? {
        try await all(db, binds).first
    }

    /// Text and values, written as they are.
    private struct Serialized: SQLExpression {
        let sql: String
        let binds: [any Encodable & Sendable]

        func serialize(to serializer: inout SQLSerializer) {
            serializer.write(sql)
            serializer.binds.append(contentsOf: binds)
        }
    }
}
