/// A full-text index of one service database: documents, projects and org members, with the read models that
/// decide who may see them. Two engines: SQLite FTS5 (embedded) and PostgreSQL full-text search.
public protocol SearchIndex: Sendable {
    /// Applies changes in order, in one transaction; changes older than the index's state are skipped.
    func apply(_ changes: [IndexChange]) async throws
    /// One page of hits the query's viewer may see, with the total and facets over all of them.
    func search(_ query: IndexQuery) async throws -> IndexResult
    /// Words in the index within edit distance 1 of `word` (sharing its first letter), most frequent first.
    func neighbors(of word: String, limit: Int) async throws -> [String]
    /// Empties the index (before a rebuild from the event log).
    func reset() async throws
}

/// A search as the index runs it: the request, whose visibility applies, and the compiled match.
public struct IndexQuery: Sendable {
    /// How many matches a search ranks and counts at most: beyond it, the newest this many the viewer may see. Both engines score every match they rank, so this bounds the work a word found in
    /// most documents costs; such a result says `exact: false`.
    public static let defaultCandidateLimit = 1_000

    public var request: SearchRequest
    public var viewer: Viewer
    public var candidateLimit = IndexQuery.defaultCandidateLimit

    public init(request: SearchRequest, viewer: Viewer) {
        self.request = request
        self.viewer = viewer
    }

    public struct Viewer: Sendable, Equatable {
        public var userId: String
        public var orgId: String
        /// Org owners and admins see every project of the org; others the org-visible ones and their own.
        public var seesAllProjects: Bool

        public init(userId: String, orgId: String, seesAllProjects: Bool) {
            (self.userId, self.orgId, self.seesAllProjects) = (userId, orgId, seesAllProjects)
        }
    }
}

public struct IndexResult: Sendable, Equatable {
    public var hits: [SearchHit]
    public var facets: SearchFacets
    public var total: Int
    /// False when the query matched more than ``IndexQuery/defaultCandidateLimit`` entries and `total` and the facets
    /// count only the newest of them.
    public var exact: Bool
}
