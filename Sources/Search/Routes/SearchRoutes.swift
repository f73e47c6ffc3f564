import AcmeCore
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `GET /v1/orgs/{orgId}/search`
struct SearchRoutes: Sendable {
    let service: SearchService

    func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        router.get("/v1/orgs/{orgId}/search") { request, context in
            let principal = try context.requirePrincipal()
            let orgId = try context.parameters.id("orgId", prefix: "org")
            return try await service.search(principal, orgId: orgId, try Self.searchRequest(request))
        }
    }

    /// Every parameter, validated together so one response names every bad one.
    static func searchRequest(_ request: Request) throws(AcmeError) -> SearchRequest {
        let parameters = request.uri.queryParameters
        var errors: [FieldError] = []
        func invalid(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }

        var query: SearchQuery?
        let q = parameters["q"].map(String.init) ?? ""
        if q.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            invalid("q", "is required")
        } else {
            do {
                query = try SearchQuery.parse(q)
            } catch {
                invalid(error.parameter, error.message)
            }
        }
        var kinds: Set<SearchKind> = []
        if let raw = parameters["type"].map(String.init), !raw.isEmpty {
            for name in raw.split(separator: ",", omittingEmptySubsequences: false) {
                if let kind = SearchKind(rawValue: name.trimmingCharacters(in: .whitespaces)) {
                    kinds.insert(kind)
                } else {
                    invalid("type", "must be a comma-separated list of document, project, user")
                    break
                }
            }
        }
        let projectId = parameters["projectId"].map(String.init)
        if let projectId, !AcmeID.isValid(projectId, prefix: "prj") { invalid("projectId", "is not a project id") }
        let author = parameters["author"].map(String.init)
        if let author, !AcmeID.isValid(author, prefix: "usr") { invalid("author", "is not a user id") }
        var tag: String?
        if let raw = parameters["tag"].map(String.init) {
            var validator = Validator()
            tag = Tags.normalize([raw], field: "tag", max: 1, into: &validator).first
            if !validator.errors.isEmpty { invalid("tag", "must be 1–\(Tags.maxLength) letters, digits, - or _") }
        }
        func date(_ name: String) -> Date? {
            guard let raw = parameters[Substring(name)].map(String.init) else { return nil }
            guard let date = Timestamp.parse(raw) else {
                invalid(name, "must be an ISO-8601 timestamp such as 2026-01-31T12:00:00Z")
                return nil
            }
            return date
        }
        let updatedAfter = date("updatedAfter"), updatedBefore = date("updatedBefore")
        if let updatedAfter, let updatedBefore, updatedAfter >= updatedBefore {
            invalid("updatedBefore", "must be later than updatedAfter")
        }
        var page = PageRequest()
        do {
            page = try PageRequest(request)
        } catch {
            if case .invalidQuery(let pageErrors) = error { errors += pageErrors }
        }
        guard let query, errors.isEmpty else { throw .invalidQuery(errors) }

        var search = SearchRequest(query: query)
        search.kinds = kinds
        search.projectId = projectId
        search.tag = tag
        search.author = author
        search.updatedAfter = updatedAfter
        search.updatedBefore = updatedBefore
        search.limit = page.limit
        if let after = page.after {
            guard let offset = SearchCursor.offset(after, for: search) else {
                throw .invalidQuery([FieldError(field: "cursor", message: "is not a cursor for this search")])
            }
            search.offset = offset
        }
        return search
    }
}

extension SearchResults: ResponseEncodable {}
