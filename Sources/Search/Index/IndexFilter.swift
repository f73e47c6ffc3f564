import AcmeDatabase
import SQLKit

/// The part of every search statement that decides which entries count, shared by both engines: the
/// viewer's org, live entries, projects the viewer may see, and the request's filters. Applied inside the
/// statements (with `e` as the entries' alias), so totals and facets count only what the viewer may see.
enum IndexFilter {
    static func conditions(_ query: IndexQuery) -> SQLQueryString {
        let viewer = query.viewer, request = query.request
        var sql: SQLQueryString = "e.org_id = \(bind: viewer.orgId) AND e.live = 1"
        // Entries outside projects (org members) are visible to the whole org; the others through their project.
        sql += " AND (e.project_id IS NULL OR e.project_id IN (SELECT p.project_id FROM search_projects p WHERE p.org_id = \(bind: viewer.orgId) AND p.live = 1"
        if !viewer.seesAllProjects {
            sql += " AND (p.visibility = 'org' OR p.project_id IN (SELECT m.project_id FROM search_project_members m WHERE m.user_id = \(bind: viewer.userId)))"
        }
        sql += "))"
        if !request.kinds.isEmpty {
            sql += " AND e.kind IN (\(binds: request.kinds.sorted().map(\.rawValue)))"
        }
        if let projectId = request.projectId { sql += " AND e.project_id = \(bind: projectId)" }
        if let tag = request.tag {
            sql += " AND e.entry_key IN (SELECT t.entry_key FROM search_tags t WHERE t.tag = \(bind: tag))"
        }
        if let author = request.author { sql += " AND e.author = \(bind: author)" }
        if let after = request.updatedAfter { sql += " AND e.updated_at >= \(bind: after.millis)" }
        if let before = request.updatedBefore { sql += " AND e.updated_at < \(bind: before.millis)" }
        return sql
    }
}
