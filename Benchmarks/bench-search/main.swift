import AcmeDatabase
import Foundation
import Logging
import Search

// Indexes a corpus (scripts/search-corpus.py) with one of the two engines and times queries against it.
//
//   bench-search CORPUS_DIR [postgres://…]   # SQLite FTS5 in a temporary directory, or PostgreSQL
//
// For a closer look: BENCH_SEARCH_KEEP=1 keeps the index (its SQLite path or PostgreSQL schema goes to stderr),
// BENCH_SEARCH_REUSE=<that path or schema> times the queries against it without indexing again, and
// BENCH_SEARCH_SLOWEST=1 lists each set's slowest queries on stderr, BENCH_SEARCH_SETS="phrase,prefix" runs only those,
// BENCH_SEARCH_CONCURRENCY=1 only that concurrency.
//
// Prints TSV lines: `index<TAB>documents<TAB>seconds<TAB>bytes` and, per query set and concurrency,
// `query<TAB>set<TAB>concurrency<TAB>queries<TAB>p50 ms<TAB>p99 ms<TAB>queries/s<TAB>mean hits`.

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: bench-search CORPUS_DIR [postgres://…]\n".utf8))
    exit(2)
}
let corpusDirectory = arguments[1]
let postgres = arguments.count > 2 ? try DatabaseURL(arguments[2]) : nil
var logger = Logger(label: "bench-search")
logger.logLevel = .warning

struct CorpusDocument: Decodable {
    var title: String
    var body: String
    var tags: [String]
}

let org = "org_0000000000000000000000BENC"
let project = "prj_0000000000000000000000BENC"
let reader = "usr_0000000000000000000000BENC"

/// Ten passes over ~100 queries: a p99 of ~1,000 timings (the tenth slowest) says more about the queries than one of
/// ~300 (the third slowest), which a single stall of the machine decides.
let timedPasses = 10
/// A kept index to time queries against without indexing again: the path of an SQLite file or a PostgreSQL schema
/// that a run with BENCH_SEARCH_KEEP=1 left.
let reusedIndex = ProcessInfo.processInfo.environment["BENCH_SEARCH_REUSE"]

/// Indexes the corpus in batches of 500; the number of documents and the seconds it took.
func indexCorpus(into index: any SearchIndex) async throws -> (Int, Double) {
    let lines = try String(contentsOfFile: corpusDirectory + "/corpus.jsonl", encoding: .utf8).split(separator: "\n")
    let decoder = JSONDecoder()
    let now = Date()
    try await index.apply([.project(.init(
        id: project, orgId: org, name: "Bench", key: "BENCH", description: nil, visibility: "org", version: 1, updatedAt: now))])
    let started = ContinuousClock.now
    var batch: [IndexChange] = []
    for (n, line) in lines.enumerated() {
        let document = try decoder.decode(CorpusDocument.self, from: Data(line.utf8))
        batch.append(.document(.init(
            id: String(format: "doc_%026d", n), orgId: org, projectId: project, title: document.title, body: document.body,
            tags: document.tags, author: reader, version: 1, updatedAt: now)))
        if batch.count == 500 {
            try await index.apply(batch)
            batch.removeAll(keepingCapacity: true)
        }
    }
    if !batch.isEmpty { try await index.apply(batch) }
    return (lines.count, (ContinuousClock.now - started) / .seconds(1))
}

func measure(_ index: any SearchIndex, afterIndexing: () async throws -> Void = {}, sizeQuery: () async throws -> Int64) async throws {
    // BENCH_SEARCH_REUSE=1 with a kept index (BENCH_SEARCH_INDEX) times the queries only.
    if reusedIndex == nil {
        let (documents, seconds) = try await indexCorpus(into: index)
        try await afterIndexing()
        print("index\t\(documents)\t\(seconds)\t\(try await sizeQuery())")
    }
    let sets = try JSONDecoder().decode([String: [String]].self, from: Data(contentsOf: URL(fileURLWithPath: corpusDirectory + "/queries.json")))
    let viewer = IndexQuery.Viewer(userId: reader, orgId: org, seesAllProjects: false)
    let only = ProcessInfo.processInfo.environment["BENCH_SEARCH_SETS"]?.split(separator: ",").map(String.init)
    for name in ["single term", "two terms", "phrase", "prefix"] where only?.contains(name) ?? true {
        let queries = try sets[name, default: []].map { var r = SearchRequest(query: try SearchQuery.parse($0)); r.limit = 10; return r }
        let concurrencies = ProcessInfo.processInfo.environment["BENCH_SEARCH_CONCURRENCY"].map { $0.split(separator: ",").compactMap { Int($0) } } ?? [1, 16]
        for concurrency in concurrencies {
            // One warm-up pass, then the timed passes over the set.
            for request in queries { _ = try await index.search(IndexQuery(request: request, viewer: viewer)) }
            let work = Array(repeating: queries, count: timedPasses).flatMap { $0 }
            let wallStart = ContinuousClock.now
            let results = try await withThrowingTaskGroup(of: [(Double, Int, String)].self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        var timings: [(Double, Int, String)] = []
                        for request in work.enumerated().filter({ $0.offset % concurrency == worker }).map(\.element) {
                            let start = ContinuousClock.now
                            let result = try await index.search(IndexQuery(request: request, viewer: viewer))
                            timings.append(((ContinuousClock.now - start) / .milliseconds(1), result.total, request.query.description))
                        }
                        return timings
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let wall = (ContinuousClock.now - wallStart) / .seconds(1)
            let sorted = results.map(\.0).sorted()
            let p50 = sorted[sorted.count / 2], p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
            let hits = Double(results.map(\.1).reduce(0, +)) / Double(results.count)
            if ProcessInfo.processInfo.environment["BENCH_SEARCH_SLOWEST"] != nil {
                // The queries that make the tail, for a closer look (stderr, so the TSV stays clean).
                for (ms, total, query) in results.sorted(by: { $0.0 > $1.0 }).prefix(8) {
                    FileHandle.standardError.write(Data("slow\t\(name)\t\(concurrency)\t\(ms)\t\(total)\t\(query)\n".utf8))
                }
            }
            print("query\t\(name)\t\(concurrency)\t\(results.count)\t\(p50)\t\(p99)\t\(Double(results.count) / wall)\t\(hits)")
        }
    }
}

func benchPostgres(_ postgres: DatabaseURL) async throws {
    let schema = reusedIndex ?? "bench_search_\(Int(Date().timeIntervalSince1970))"
    let database = try await PostgresDatabasePool.open(name: "search", url: postgres, schema: schema, maxConnections: 16, logger: logger)
    try await Migrator(database: database, migrations: SearchService.migrations, logger: logger).migrate()
    // What autovacuum does after a bulk load (statistics, visibility map, a full pass over the 1 GB GIN index) and the
    // checkpoint that writes the loaded pages out, done before the queries are timed rather than beside them: the
    // timings are of a settled index, not of its loading. CHECKPOINT needs the pg_checkpoint role (scripts/lib.sh
    // grants it on the clusters it starts); without it the queries run beside the checkpoint.
    let settle = {
        try await database.read { db in try await db.raw("VACUUM (ANALYZE) search_entries, search_texts").run() }
        do {
            try await database.read { db in try await db.raw("CHECKPOINT").run() }
        } catch {
            FileHandle.standardError.write(Data("no CHECKPOINT before the queries (\(String(reflecting: error)))\n".utf8))
        }
    }
    try await measure(PostgresSearchIndex(database: database), afterIndexing: settle) {
        try await database.read { db in
            try await db.raw("""
                SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = \(bind: schema) AND c.relkind = 'r'
                """).first()!.decode(column: "bytes", as: Int64.self)
        }
    }
    if ProcessInfo.processInfo.environment["BENCH_SEARCH_KEEP"] == nil && reusedIndex == nil {
        try await database.read { db in try await db.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
    } else {
        FileHandle.standardError.write(Data("index kept in schema \(schema)\n".utf8))
    }
    try await database.close()
}

func benchSQLite() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-search-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = reusedIndex ?? directory + "/search.sqlite"
    let database = try await SQLiteDatabasePool.open(name: "search", path: path, readers: 16, logger: logger)
    try await Migrator(database: database, migrations: SearchService.migrations, logger: logger).migrate()
    try await measure(SQLiteSearchIndex(database: database)) {
        // The database file and its write-ahead log (not yet checkpointed pages live there).
        ["", "-wal"].reduce(Int64(0)) { total, suffix in
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/search.sqlite" + suffix)
            return total + ((attributes?[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }
    try await database.close()
    // BENCH_SEARCH_KEEP=1 leaves the index for a closer look (its path goes to stderr).
    if ProcessInfo.processInfo.environment["BENCH_SEARCH_KEEP"] == nil || reusedIndex != nil {
        try? FileManager.default.removeItem(atPath: directory)
    } else {
        FileHandle.standardError.write(Data("index kept at \(directory)/search.sqlite\n".utf8))
    }
}

if let postgres {
    try await benchPostgres(postgres)
} else {
    try await benchSQLite()
}
