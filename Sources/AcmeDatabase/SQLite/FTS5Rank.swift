import VaporCSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `rank_bm25(fts_table, length, weight…, documents…)`: an FTS5 auxiliary function that scores a match with Okapi
/// BM25 as FTS5's own `bm25()` does (k1 1.2, b 0.75, a weight per column), except that the caller supplies
/// - the row's length in tokens (all columns), when it keeps it next to the row it joins anyway (NULL: FTS5 reads
///   it from its own table, a B-tree lookup per row), and
/// - after the column weights, each phrase's document count (how many rows match it), in the phrases' order in the
///   `MATCH` expression.
///
/// `bm25()` counts those documents itself, by reading each phrase's whole posting list on the first row of every
/// query: for a word in most documents that one scan cost more than ranking a thousand rows. A caller that knows
/// the counts (e.g. from a cache) saves it. A phrase without a count is scored as if it were in half the rows.
enum FTS5Rank {
    static let name = "rank_bm25"
    private static let k1 = 1.2
    private static let b = 0.75

    static func install(on handle: OpaquePointer) throws {
        guard let api = try fts5API(handle), let create = api.pointee.xCreateFunction else {
            throw SQLiteFailure(code: SQLITE_ERROR, message: "FTS5 is not compiled in")
        }
        let status = create(api, name, nil, { api, fts, context, count, values in
            guard let api, let fts, let context else { return }
            FTS5Rank.rank(api.pointee, fts, context, Int(count), values)
        }, nil)
        guard status == SQLITE_OK else { throw SQLiteFailure(code: status, message: "cannot register \(name)") }
    }

    /// The connection's FTS5 extension API, as SQLite hands it out: `SELECT fts5(?1)` with a pointer bound to ?1.
    private static func fts5API(_ handle: OpaquePointer) throws -> UnsafeMutablePointer<fts5_api>? {
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v2(handle, "SELECT fts5(?1)", -1, &statement, nil)
        guard status == SQLITE_OK, let statement else { throw SQLiteFailure(handle: handle, code: status) }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        var api: UnsafeMutablePointer<fts5_api>?
        // SQLite keeps the type name until the statement is finalized: a literal lives for the whole program.
        let type: StaticString = "fts5_api_ptr"
        withUnsafeMutablePointer(to: &api) { pointer in
            type.utf8Start.withMemoryRebound(to: CChar.self, capacity: type.utf8CodeUnitCount + 1) { name in
                _ = sqlite_nio_sqlite3_bind_pointer(statement, 1, pointer, name, nil)
                _ = sqlite_nio_sqlite3_step(statement)
            }
        }
        return api
    }

    private static func rank(
        _ api: Fts5ExtensionApi, _ fts: OpaquePointer, _ context: OpaquePointer, _ count: Int,
        _ values: UnsafeMutablePointer<OpaquePointer?>?
    ) {
        guard let columnCount = api.xColumnCount?(fts), let phraseCount = api.xPhraseCount?(fts) else { return }
        let columns = Int(columnCount), phrases = Int(phraseCount)
        func argument(_ index: Int) -> OpaquePointer? { index < count ? values?[index] : nil }

        guard let totals = self.totals(api, fts), api.xInstCount != nil, api.xInst != nil else {
            sqlite_nio_sqlite3_result_error(context, "\(name): cannot read the match", -1)
            return
        }
        let rows = totals[0], averageLength = totals[1]
        var tokens: Int32 = 0, instances: Int32 = 0
        if let length = argument(0), sqlite_nio_sqlite3_value_type(length) != SQLITE_NULL {
            tokens = Int32(clamping: sqlite_nio_sqlite3_value_int64(length))
        } else if api.xColumnSize?(fts, -1, &tokens) != SQLITE_OK {
            sqlite_nio_sqlite3_result_error(context, "\(name): cannot read the row's length", -1)
            return
        }
        _ = api.xInstCount?(fts, &instances)
        let lengthNorm = 1 - b + b * Double(tokens) / max(averageLength, 1)

        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(phrases, 1)) { frequencies in
            frequencies.initialize(repeating: 0)
            for instance in 0..<instances {
                var phrase: Int32 = 0, column: Int32 = 0, offset: Int32 = 0
                guard api.xInst?(fts, instance, &phrase, &column, &offset) == SQLITE_OK, phrase < phrases else { continue }
                let weight = argument(1 + Int(column)).map { sqlite_nio_sqlite3_value_double($0) } ?? 1
                frequencies[Int(phrase)] += weight
            }
            var score = 0.0
            for phrase in 0..<phrases where frequencies[phrase] > 0 {
                // A cached count can exceed the rows left (deletes since): past `rows` the logarithm's argument
                // would turn negative and the score NaN, which SQLite returns as NULL.
                let documents = min(argument(1 + columns + phrase).map { Double(sqlite_nio_sqlite3_value_int64($0)) } ?? rows / 2, rows)
                // As FTS5 computes it: a phrase in more than half the rows still counts a little.
                let idf = max(log((rows - documents + 0.5) / (documents + 0.5)), 1e-6)
                let frequency = frequencies[phrase]
                score += idf * frequency * (k1 + 1) / (frequency + k1 * lengthNorm)
            }
            sqlite_nio_sqlite3_result_double(context, score)
        }
    }

    /// The table's row count and average row length, read once per query and kept with it (FTS5 would otherwise
    /// load them again for every row).
    private static func totals(_ api: Fts5ExtensionApi, _ fts: OpaquePointer) -> UnsafeMutablePointer<Double>? {
        if let kept = api.xGetAuxdata?(fts, 0) { return kept.assumingMemoryBound(to: Double.self) }
        var rows: Int64 = 0, tokens: Int64 = 0
        guard api.xRowCount?(fts, &rows) == SQLITE_OK, api.xColumnTotalSize?(fts, -1, &tokens) == SQLITE_OK,
            let memory = malloc(2 * MemoryLayout<Double>.stride)
        else { return nil }
        let totals = memory.bindMemory(to: Double.self, capacity: 2)
        (totals[0], totals[1]) = (Double(rows), Double(tokens) / Double(max(rows, 1)))
        guard api.xSetAuxdata?(fts, memory, free) == SQLITE_OK else { return nil }  // SQLite frees it on failure too
        return totals
    }
}
