import AcmeDatabase
import SQLKit
import Synchronization

/// How often lexemes occur in `search_entries.tsv`, from PostgreSQL's own statistics: the most common elements that
/// ANALYZE (autovacuum) collects, 10,000 of them since ``LexemeStatisticsTarget``. On 100k documents that list reaches
/// down to lexemes in 0.3% of the rows, so it tells a search whose matches are few, wherever they are, from one whose
/// newest matches are best found bucket by bucket (see ``PostgresSearchIndex``).
struct LexemeStatistics: Sendable, Equatable {
    /// Rows of the table: as many as when the statistics were gathered, or its highest row id if that is more (the
    /// table may have grown since, and the fractions are applied to this).
    var rows: Double
    /// The fraction of rows holding each of the most common lexemes.
    var fractions: [String: Double]
    /// The least of those fractions: any other lexeme is in fewer rows than this.
    var floor: Double

    /// Matches of a query that looks up `lookups` (``TSQuery/lookups``): at most how many there can be (no more than
    /// the rarest lexeme of an alternative holds, summed over a group's alternatives, for the most selective group),
    /// and how many there would be if lexemes occurred independently of each other.
    func estimate(_ lookups: [[[String]]]) -> (atMost: Double, independent: Double) {
        var atMost = rows, independent = rows
        for group in lookups {
            var bound = 0.0, product = 0.0
            for lexemes in group {
                // A prefix looked up as `'w':*` has no known lexeme: as if every row held it.
                let fractions = lexemes.map { self.fractions[$0] ?? floor }
                bound += fractions.min() ?? 1
                product += fractions.reduce(1, *)
            }
            atMost = min(atMost, rows * min(1, bound))
            independent *= min(1, product)
        }
        return (atMost, independent)
    }

    /// The statistics of the current schema's `search_entries.tsv`; nil before the table has been analyzed.
    static func fetch(on db: any SQLDatabase) async throws -> LexemeStatistics? {
        let row = try await db.raw("""
            SELECT s.most_common_elems::text::text[] AS lexemes, s.most_common_elem_freqs::float8[] AS fractions,
                greatest(c.reltuples, (SELECT max(rid) FROM search_entries))::float8 AS rows
            FROM pg_stats s JOIN pg_namespace n ON n.nspname = s.schemaname
                JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
            WHERE s.schemaname = current_schema() AND s.tablename = 'search_entries' AND s.attname = 'tsv'
                AND s.most_common_elems IS NOT NULL
            """).first()
        guard let row else { return nil }
        let lexemes = try row.decode(column: "lexemes", as: [String].self)
        // After one fraction per lexeme come the least and the greatest of them (for tsvector, no fraction of NULLs).
        let fractions = try row.decode(column: "fractions", as: [Double].self)
        let rows = try row.decode(column: "rows", as: Double.self)
        guard rows > 0, !lexemes.isEmpty, fractions.count >= lexemes.count + 2 else { return nil }
        return LexemeStatistics(
            rows: rows, fractions: Dictionary(zip(lexemes, fractions), uniquingKeysWith: max), floor: fractions[lexemes.count])
    }
}

/// ``LexemeStatistics`` read at most once a minute: the fractions change only when autovacuum analyzes the table,
/// but the row count they are applied to is read with them, and a table loaded in bulk must not be searched with
/// a count from before the load for long (every query would then look like one with few matches).
final class LexemeStatisticsCache: Sendable {
    static let lifetime = Duration.seconds(60)
    /// How soon to look again when there were none (a new table is analyzed once it has grown).
    static let absentLifetime = Duration.seconds(30)
    private let cached = Mutex<(at: ContinuousClock.Instant, statistics: LexemeStatistics?)?>(nil)

    /// The statistics, read again once they are older than ``lifetime``; nil if there are none (or reading them
    /// failed), and searches then look every query up bucket by bucket.
    func statistics(on db: any SQLDatabase) async -> LexemeStatistics? {
        let now = ContinuousClock.now
        if let cached = cached.withLock({ $0 }),
            now - cached.at < (cached.statistics == nil ? Self.absentLifetime : Self.lifetime)
        {
            return cached.statistics
        }
        let statistics = (try? await LexemeStatistics.fetch(on: db)) ?? nil
        cached.withLock { $0 = (now, statistics) }
        return statistics
    }
}
