import NIOCore
import PostgresNIO
import Synchronization

/// Server-side prepared statements, per connection: a statement seen twice on a connection is prepared there under
/// a name and from then on executed by it, so PostgreSQL parses and analyses it once per connection and, once its
/// plan cache settles on a generic plan (after five runs, when that plan costs no more than the custom ones), plans
/// it once too. An unnamed statement is parsed, analysed and planned on every run: about 0.5 ms of a 4–5 ms search.
///
/// Only queries (`SELECT`, `WITH`, `INSERT`, `UPDATE`, `DELETE`, `VALUES`) are prepared, and only on their second
/// run on a connection, so one-off statements (migrations, reports) never are. A connection uses at most
/// ``maxNames`` names and then runs new statements unnamed: neither PostgreSQL nor PostgresNIO forgets a prepared
/// statement before the connection closes. A name is never used for a second statement: one whose first run failed
/// (PostgresNIO keeps a failed preparation's error under its name) or whose plan no longer fits its tables ("cached
/// plan must not change result type", after a migration) is prepared under a new name when it next comes.
final class PreparedStatements: Sendable {
    /// How to run a statement on a connection.
    enum Use {
        case unnamed
        /// Under this name; `prepared` says whether an earlier run prepared it.
        case named(String, prepared: Bool)
    }

    enum Outcome { case done, stale }

    struct Key: Hashable {
        var sql: String
        /// The parameters' types as PostgresNIO sends them.
        var types: [PostgresDataType]
    }

    private struct Connection {
        var prepared: [Key: String] = [:]
        var seen: Set<Key> = []
        var names = 0
    }

    /// A prepared search statement holds about 330 kB of PostgreSQL's memory once planned (measured: parse tree,
    /// source and generic plan), so 64 bound a connection's statements to ~20 MB even if all of them were searches.
    static let maxNames = 64
    /// Statements seen once are forgotten beyond this many (they are then prepared on their third run).
    static let maxSeen = 1_024

    private let connections = Mutex<[PostgresConnection.ID: Connection]>([:])

    /// Whether `sql` is a query, whose parse and plan are worth keeping (PostgreSQL would also keep other statements).
    static func isPreparable(_ sql: String) -> Bool {
        let keyword = sql.utf8.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "(") }
            .prefix { ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) }
        switch String(decoding: keyword, as: UTF8.self).uppercased() {
        case "SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "VALUES": return true
        default: return false
        }
    }

    func use(_ key: Key, on connection: PostgresConnection) -> Use {
        guard Self.isPreparable(key.sql) else { return .unnamed }
        let id = connection.id
        let (use, firstSight) = connections.withLock { connections in
            let firstSight = connections[id] == nil
            return (Self.use(key, in: &connections[id, default: Connection()]), firstSight)
        }
        // A closed connection's statements went with it; its id is never reused.
        if firstSight {
            connection.closeFuture.whenComplete { [self] _ in
                _ = connections.withLock { $0.removeValue(forKey: id) }
            }
        }
        return use
    }

    private static func use(_ key: Key, in state: inout Connection) -> Use {
        if let name = state.prepared[key] { return .named(name, prepared: true) }
        guard state.names < maxNames, state.seen.remove(key) != nil else {
            if state.seen.count >= maxSeen { state.seen.removeAll() }
            state.seen.insert(key)
            return .unnamed
        }
        state.names += 1
        return .named("acme_\(state.names)", prepared: false)
    }

    /// Records how a run went: the first success under a name makes it the key's prepared statement; after a failed
    /// first run the key is prepared again under a new name, and so it is after a stale plan (`.stale`).
    @discardableResult
    func ran(_ key: Key, as use: Use, on connection: PostgresConnection, error: (any Error)?) -> Outcome {
        guard case .named(let name, let prepared) = use else { return .done }
        guard let error else {
            if !prepared { connections.withLock { $0[connection.id]?.prepared[key] = name } }
            return .done
        }
        guard prepared, Self.isStale(error) else { return .done }
        connections.withLock { _ = $0[connection.id]?.prepared.removeValue(forKey: key) }
        return .stale
    }

    /// Whether PostgreSQL refused a prepared statement because its result columns changed since it was prepared.
    private static func isStale(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        return error.serverInfo?[.sqlState] == "0A000" && error.serverInfo?[.message]?.contains("cached plan") == true
    }
}

/// A statement for PostgresNIO's prepared-statement support, which takes the statement's name and text from static
/// properties of its type (it expects them to be constants); these come from ``current``, set around each run.
/// PostgresNIO reads them when the run starts and, for errors, before it returns.
struct NamedStatement: PostgresPreparedStatement {
    struct Text: Sendable {
        var name = ""
        var sql = ""
    }

    @TaskLocal static var current = Text()
    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}
