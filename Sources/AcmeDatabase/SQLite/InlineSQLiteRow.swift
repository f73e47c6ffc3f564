import SQLKit
import SQLiteKit
import SQLiteNIO

/// A result row of `InlineSQLiteConnection`; values decode like SQLiteKit's rows.
struct InlineSQLiteRow: SQLRow {
    /// Column names, shared by every row of one result.
    final class Columns: Sendable {
        let names: [String]
        let indexes: [String: Int]

        init(names: [String]) {
            self.names = names
            var indexes: [String: Int] = [:]
            for (index, name) in names.enumerated() where indexes[name] == nil { indexes[name] = index }
            self.indexes = indexes
        }
    }

    let columns: Columns
    let values: [SQLiteData]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.indexes[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let index = columns.indexes[column] else { throw MissingColumn(column: column) }
        return values[index] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let index = columns.indexes[column] else { throw MissingColumn(column: column) }
        // Text, integers and reals as themselves (also into optionals); SQLiteKit's Codable decoder, which
        // handles the rest, cost more than the statement itself for results of a thousand rows.
        switch values[index] {
        case .text(let text): if let value = text as? D { return value }
        case .integer(let integer):
            if let value = integer as? D { return value }
            if let value = Int(integer) as? D { return value }
        case .float(let double): if let value = double as? D { return value }
        case .blob, .null: break
        }
        return try SQLiteDataDecoder().decode(D.self, from: values[index])
    }

    struct MissingColumn: Error, CustomStringConvertible {
        var column: String
        var description: String { "no column '\(column)' in the result" }
    }
}
