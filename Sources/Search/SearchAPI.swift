import AcmeCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Search service as other modules and the gateway see it.
public protocol SearchAPI: Sendable {
    /// What `principal` may see in `orgId` that matches `request`, ranked, with facets over all of it.
    func search(_ principal: Principal, orgId: String, _ request: SearchRequest) async throws -> SearchResults
}

/// What can be searched for.
public enum SearchKind: String, Codable, Sendable, CaseIterable, Comparable {
    case document
    case project
    case user

    public static func < (lhs: SearchKind, rhs: SearchKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A validated search: the parsed query and every filter of `GET /v1/orgs/{orgId}/search`.
public struct SearchRequest: Sendable, Equatable {
    public var query: SearchQuery
    /// Empty: every kind.
    public var kinds: Set<SearchKind> = []
    public var projectId: String?
    public var tag: String?
    public var author: String?
    public var updatedAfter: Date?
    public var updatedBefore: Date?
    public var limit = 20
    /// Items to skip (from the cursor).
    public var offset = 0

    public init(query: SearchQuery) {
        self.query = query
    }
}

public struct SearchHit: Codable, Sendable, Equatable {
    public var type: SearchKind
    public var id: String
    public var title: String
    /// A passage around the matches, HTML-escaped, with each match in `<mark>…</mark>`.
    public var snippet: String
    /// Higher is better; comparable only within one response.
    public var score: Double
    public var projectId: String?
    public var updatedAt: Date
}

public struct SearchFacets: Codable, Sendable, Equatable {
    public var type: [String: Int] = [:]
    /// The most frequent tags (at most ``SearchResults/facetSize``).
    public var tag: [String: Int] = [:]
    /// The projects with the most hits (at most ``SearchResults/facetSize``).
    public var project: [String: Int] = [:]

    public init() {}
}

public struct SearchResults: Codable, Sendable, Equatable {
    public static let facetSize = 20

    public var items: [SearchHit]
    public var facets: SearchFacets
    /// Every hit the caller may see, over all pages; equals the sum of the `type` facet.
    public var total: Int
    /// False for a query so common that only its newest matches were ranked and counted (see
    /// ``IndexQuery/defaultCandidateLimit``): `total` and the facets are then lower bounds.
    public var totalExact: Bool
    public var nextCursor: String?
    public var tookMs: Double
    /// True when nothing matched exactly and these are the results of the typo-tolerant retry.
    public var fuzzy: Bool

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(facets, forKey: .facets)
        try container.encode(total, forKey: .total)
        try container.encode(totalExact, forKey: .totalExact)
        try container.encode(nextCursor, forKey: .nextCursor)  // explicit null on the last page
        try container.encode(tookMs, forKey: .tookMs)
        try container.encode(fuzzy, forKey: .fuzzy)
    }
}
