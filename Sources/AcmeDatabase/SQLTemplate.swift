import NIOCore
import SQLKit
import Synchronization

/// A statement written once with SQLKit's builders, serialized once per dialect (and row count), and then
/// run with fresh values.
///
/// Building and serializing an expression tree on every run cost more CPU than SQLite took to execute the
/// small inserts of a document create (a tenth of the create's CPU went to SQLKit's serializer), so the
/// statements on hot write paths are templates. The builder's values are placeholders: write each as
/// `SQLTemplate.placeholder`; only their positions matter.
///
/// A deferrable template declares that it only adds or changes rows no other statement of its transaction
/// reads or changes; a PostgreSQL transaction may then send its `run` later, together with the transaction's
/// other deferred statements (see `PostgresTransaction`).
public final class SQLTemplate: Sendable {
    private struct Key: Hashable {
        var dialect: String
        var rows: Int
    }

    /// A template's text for one dialect and row count.
    struct Text: Sendable {
        /// The text around the placeholders.
        var segments: [String]
        /// The text with each placeholder written `?` (SQLite's anonymous parameters, numbered in order), so the
        /// embedded database runs a template without serializing it.
        var anonymous: String
    }

    private let build: @Sendable (any SQLDatabase, Int) -> any SQLExpression
    private let deferrable: Bool
    private let texts = Mutex<[Key: Text]>([:])

    /// A value's place in a template.
    public static let placeholder = SQLBind(0)

    /// `INSERT INTO table (columns) VALUES (…), …` with `rows` rows of placeholders, for a template's builder.
    public static func insert(_ db: any SQLDatabase, into table: String, columns: [String], rows: Int = 1) -> SQLInsertBuilder {
        var insert = db.insert(into: table).columns(columns)
        for _ in 0..<rows { insert = insert.values(Array(repeating: placeholder, count: columns.count)) }
        return insert
    }

    /// A statement whose text varies with a row count (a multi-row insert): `build` gets the count.
    public init(deferrable: Bool = false, rows build: @escaping @Sendable (any SQLDatabase, _ rows: Int) -> any SQLExpression) {
        self.build = build
        self.deferrable = deferrable
    }

    public convenience init(deferrable: Bool = false, _ build: @escaping @Sendable (any SQLDatabase) -> any SQLExpression) {
        self.init(deferrable: deferrable, rows: { db, _ in build(db) })
    }

    /// The statement for `db` with `binds` in the placeholders' order.
    func query(_ db: any SQLDatabase, rows: Int = 1, _ binds: [any Encodable & Sendable], deferrable: Bool = false) -> Statement {
        let key = Key(dialect: db.dialect.name, rows: rows)
        let text = texts.withLock { $0[key] } ?? {
            let segments = Statement.segments(of: build(db, rows), in: db)
            let text = Text(segments: segments, anonymous: segments.joined(separator: "?"))
            texts.withLock { $0[key] = text }
            return text
        }()
        precondition(binds.count == text.segments.count - 1, "\(binds.count) values for a statement with \(text.segments.count - 1) placeholders")
        return Statement(text: text, binds: binds, deferrable: deferrable)
    }

    public func run(_ db: any SQLDatabase, rows: Int = 1, _ binds: [any Encodable & Sendable]) async throws {
        try await db.execute(sql: query(db, rows: rows, binds, deferrable: deferrable)) { _ in }
    }

    public func all(_ db: any SQLDatabase, rows: Int = 1, _ binds: [any Encodable & Sendable]) async throws -> [any SQLRow] {
        let found = Mutex<[any SQLRow]>([])
        try await db.execute(sql: query(db, rows: rows, binds)) { row in found.withLock { $0.append(row) } }
        return found.withLock { $0 }
    }

    public func first(_ db: any SQLDatabase, _ binds: [any Encodable & Sendable]) async throws -> (any SQLRow)? {
        try await all(db, binds).first
    }

    /// A template's text around its placeholders, and the values for them. Serializing writes the text and
    /// lets the serializer number the placeholders, so statements can also be written one after another
    /// into a larger statement.
    struct Statement: SQLExpression {
        let text: Text
        let binds: [any Encodable & Sendable]
        /// Run by a deferrable template: a PostgreSQL transaction may send it later, with others.
        let deferrable: Bool

        func serialize(to serializer: inout SQLSerializer) {
            serializer.write(text.segments[0])
            for (bind, segment) in zip(binds, text.segments.dropFirst()) {
                serializer.write(bind: bind)
                serializer.write(segment)
            }
        }

        /// Serializes `expression` with every placeholder written as a marker, then splits the text there.
        static func segments(of expression: any SQLExpression, in db: any SQLDatabase) -> [String] {
            var serializer = SQLSerializer(database: MarkingDatabase(forwarded: db))
            expression.serialize(to: &serializer)
            return serializer.sql.split(separator: MarkingDatabase.marker, omittingEmptySubsequences: false).map(String.init)
        }
    }
}

/// `forwarded` with placeholders written as a character no statement contains otherwise.
private struct MarkingDatabase: ForwardingDatabase {
    static let marker: Character = "\u{0}"
    let forwarded: any SQLDatabase

    var dialect: any SQLDialect { MarkingDialect(forwarded: forwarded.dialect) }
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        forwarded.execute(sql: query, onRow)
    }
}

private struct MarkingDialect: ForwardingDialect {
    let forwarded: any SQLDialect

    func bindPlaceholder(at position: Int) -> any SQLExpression { SQLRaw(String(MarkingDatabase.marker)) }
}
