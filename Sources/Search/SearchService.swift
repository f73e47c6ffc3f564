import AcmeCore
import AcmeDatabase
import Hummingbird
import Logging
import User

/// The Search service: full-text search over documents, projects and org members, fed by events only.
///
/// The index lives in the service's own database (SQLite FTS5 embedded, PostgreSQL full-text search when the
/// service runs on PostgreSQL). Who may see what is decided inside the index's statements from the caller's
/// org role (asked of the User service) and the project visibility and membership it indexed from events.
public struct SearchService: SearchAPI {
    public static let migrations: [any Migration] = [CreateSearchTables(), ContentlessSearchText(), SeparateSearchTexts(), CommonWordPairIndex(), PairedVectors(), EntryTagArrays(), PrefixVectors(), WordVectors(), LexemeStatisticsTarget(), BucketedLexemes(), MembershipVersions()]
    /// Deepest page reachable through cursors: ranking everything to skip further costs more than it is worth.
    public static let maxOffset = 1_000
    /// Alternatives tried per query word when nothing matched exactly.
    static let fuzzyAlternatives = 3
    /// Query words looked up for alternatives, at most: each lookup reads the index's words with the same first
    /// letter (on SQLite, each one's posting list), and a query may have 32 words.
    static let fuzzyWords = 4

    public let index: any SearchIndex
    let users: any UserAPI
    let logger: Logger

    public init(index: any SearchIndex, users: any UserAPI, logger: Logger) {
        self.index = index
        self.users = users
        self.logger = logger
    }

    /// The engine for `database`'s dialect.
    public static func index(on database: any Database) async throws -> any SearchIndex {
        let postgres = try await database.read { db in db.isPostgres }
        return postgres ? PostgresSearchIndex(database: database) : SQLiteSearchIndex(database: database)
    }

    public func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        SearchRoutes(service: self).addRoutes(to: router)
    }

    public func search(_ principal: Principal, orgId: String, _ request: SearchRequest) async throws -> SearchResults {
        let started = ContinuousClock.now
        let asked = request  // what the cursor is bound to, before scopes narrow it
        var request = request
        request.kinds = try Self.allowedKinds(principal, requested: request.kinds)
        guard let role = try await users.role(of: principal.userId, in: orgId) else { throw AcmeError.notFound() }
        let viewer = IndexQuery.Viewer(userId: principal.userId, orgId: orgId, seesAllProjects: role >= .admin)

        var result = try await index.search(IndexQuery(request: request, viewer: viewer))
        var fuzzy = false
        // On every page, so a cursor pages through the retry's hits (nothing matches exactly there either). The
        // retry's hits replace the empty result only if there are any: neighbours come from every org's words, so
        // `fuzzy` on an empty result would tell that some org has indexed a word one edit away.
        if result.total == 0, let relaxed = try await Self.relaxed(request.query, in: index) {
            var retry = request
            retry.query = relaxed
            let widened = try await index.search(IndexQuery(request: retry, viewer: viewer))
            if widened.total > 0 { (result, fuzzy) = (widened, true) }
        }
        let next = request.offset + result.hits.count
        let nextCursor = next < result.total && next <= Self.maxOffset ? SearchCursor(offset: next, request: asked).encoded : nil
        let took = ContinuousClock.now - started
        return SearchResults(
            items: result.hits, facets: result.facets, total: result.total, totalExact: result.exact, nextCursor: nextCursor,
            tookMs: (Double(took.components.seconds) * 1e6 + Double(took.components.attoseconds) / 1e12).rounded() / 1e3,
            fuzzy: fuzzy)
    }

    /// What a token's scopes let it search: documents need `documents:read`, projects `projects:read`, members
    /// `orgs:read`. Sessions carry every scope. 403 when none of the requested kinds is allowed.
    static func allowedKinds(_ principal: Principal, requested: Set<SearchKind>) throws -> Set<SearchKind> {
        func scope(_ kind: SearchKind) -> Scope {
            switch kind {
            case .document: .documentsRead
            case .project: .projectsRead
            case .user: .orgsRead
            }
        }
        let allowed = Set(SearchKind.allCases.filter { principal.scopes.contains(scope($0)) })
        let wanted = requested.isEmpty ? Set(SearchKind.allCases) : requested
        let kinds = wanted.intersection(allowed)
        guard !kinds.isEmpty else {
            throw AcmeError.forbidden("This token may not search \(wanted.map(\.rawValue).sorted().joined(separator: ", ")).")
        }
        // Everything allowed and wanted: no kind filter at all.
        return kinds.count == SearchKind.allCases.count ? [] : kinds
    }

    /// The query with its first ``fuzzyWords`` plain words (of three or more letters) widened to themselves OR
    /// words of `index` one edit away, or nil if none has such a neighbour.
    static func relaxed(_ query: SearchQuery, in index: any SearchIndex) async throws -> SearchQuery? {
        var widened = false
        var lookups = 0
        var clauses: [SearchQuery.Group] = []
        for group in query.clauses {
            guard !group.isExcluded else {
                clauses.append(group)
                continue
            }
            var terms: [SearchQuery.Term] = []
            for term in group.terms {
                terms.append(term)
                guard case .word(let word) = term.kind, word.count >= 3, lookups < fuzzyWords else { continue }
                lookups += 1
                let neighbors = try await index.neighbors(of: word, limit: fuzzyAlternatives)
                terms += neighbors.map { SearchQuery.Term(.word($0)) }
                widened = widened || !neighbors.isEmpty
            }
            clauses.append(SearchQuery.Group(terms))
        }
        return widened ? SearchQuery(clauses: clauses) : nil
    }
}
