import PostgresKit
import PostgresNIO
import SQLKit

/// A row of a PostgreSQL reply as SQLKit reads it. The types the stores read (text, integers, floating point and
/// booleans, optional or not, and text arrays) are decoded straight from their cells; any other type goes through
/// PostgresKit's translation. That translation builds a coding path and tries the type as several kinds of value for
/// every cell it decodes: 7% of a search's client CPU (perf, 1,034 searches of a page of ten hits and their facets).
struct PostgresSQLRow: SQLRow {
    /// The row as PostgreSQL sent it (PostgresKit's view of it decodes the other types).
    let row: PostgresRow
    private let cells: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row
        self.cells = row.makeRandomAccess()
    }

    var allColumns: [String] { cells.map(\.columnName) }

    func contains(column: String) -> Bool { cells.contains(column) }

    func decodeNil(column: String) throws -> Bool { !cells.contains(column) || cells[column].bytes == nil }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard cells.contains(column) else { return try row.sql().decode(column: column, as: D.self) }
        let cell = cells[column]
        if let value = try Self.decode(cell, String.self, as: D.self) { return value }
        if let value = try Self.decode(cell, Int64.self, as: D.self) { return value }
        if let value = try Self.decode(cell, String?.self, as: D.self) { return value }
        if let value = try Self.decode(cell, Int64?.self, as: D.self) { return value }
        if let value = try Self.decode(cell, Int.self, as: D.self) { return value }
        if let value = try Self.decode(cell, Int?.self, as: D.self) { return value }
        if let value = try Self.decode(cell, Double.self, as: D.self) { return value }
        if let value = try Self.decode(cell, Double?.self, as: D.self) { return value }
        if let value = try Self.decode(cell, Bool.self, as: D.self) { return value }
        if let value = try Self.decode(cell, Bool?.self, as: D.self) { return value }
        if let value = try Self.decode(cell, [String].self, as: D.self) { return value }
        return try row.sql().decode(column: column, as: D.self)
    }

    /// The cell as `T` when `D` is `T` (a comparison of types, then PostgresNIO's decoding of `T`), else nil.
    private static func decode<T: PostgresDecodable, D>(_ cell: PostgresCell, _: T.Type, as _: D.Type) throws -> D? {
        guard D.self == T.self else { return nil }
        // The same type, so its value is taken as it is (a dynamic cast would unwrap an optional's nil).
        return unsafeBitCast(try cell.decode(T.self), to: D.self)
    }
}
