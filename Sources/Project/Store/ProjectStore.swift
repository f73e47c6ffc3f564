import AcmeCore
import AcmeDatabase
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Project service's queries. Dialect-neutral SQL: name search ranks by `name_match(name, q)`, trigram
/// similarity installed on SQLite by `SQLiteDatabasePool` and defined over pg_trgm on PostgreSQL.
struct ProjectStore: Sendable {
    enum Sort: String, Sendable {
        case name
        case newest = "-createdAt"
    }

    struct ListQuery: Sendable {
        var orgId: String
        var userId: String
        /// Org admins see private projects too.
        var seesEverything: Bool
        var archived: Bool
        var search: String?
        var sort: Sort
        var page: PageRequest
        /// The sort key and id of the last row of the previous page (the cursor without its mode tag).
        var after: [String]?
    }

    /// Minimum trigram similarity for a fuzzy match (pg_trgm's default threshold).
    static let similarityThreshold = 0.3

    func project(id: String, on db: any SQLDatabase) async throws -> Project? {
        try await db.select().column("*").from("projects").where("id", .equal, id).first().map(Self.project)
    }

    /// The project, its row locked until the transaction ends: every change of a project (its fields, archiving,
    /// settings, members) starts here, so on PostgreSQL concurrent changes run one after another and each sees
    /// the version the last one wrote (an `If-Match` loser gets 412, event versions never repeat). SQLite's single
    /// writer serializes them anyway; its dialect leaves FOR UPDATE out.
    func lockedProject(id: String, on db: any SQLDatabase) async throws -> Project? {
        try await db.select().column("*").from("projects").where("id", .equal, id)
            .lockingClause(SQLLockingClause.update).first().map(Self.project)
    }

    func insert(_ project: Project, on db: any SQLDatabase) async throws {
        try await db.insert(into: "projects")
            .columns("id", "org_id", "name", "sort_name", "project_key", "description", "visibility", "archived", "created_by", "version", "created_at", "updated_at")
            .values(
                SQLBind(project.id), SQLBind(project.orgId), SQLBind(project.name), SQLBind(project.name.lowercased()), SQLBind(project.key),
                SQLBind(project.description), SQLBind(project.visibility.rawValue), SQLBind(project.archived),
                SQLBind(project.createdBy), SQLBind(project.version), SQLBind(project.createdAt.millis),
                SQLBind(project.updatedAt.millis))
            .run()
    }

    func update(_ project: Project, on db: any SQLDatabase) async throws {
        try await db.update("projects")
            .set("name", to: project.name).set("sort_name", to: project.name.lowercased()).set("description", to: project.description)
            .set("visibility", to: project.visibility.rawValue).set("archived", to: project.archived)
            .set("version", to: project.version).set("updated_at", to: project.updatedAt.millis)
            .where("id", .equal, project.id)
            .run()
    }

    func delete(id: String, on db: any SQLDatabase) async throws {
        try await db.delete(from: "project_settings").where("project_id", .equal, id).run()
        try await db.delete(from: "project_members").where("project_id", .equal, id).run()
        try await db.delete(from: "projects").where("id", .equal, id).run()
    }

    /// Bumps the project's version (membership and settings changes are changes of the project).
    func touch(_ project: inout Project, at date: Date, on db: any SQLDatabase) async throws {
        project.version += 1
        project.updatedAt = date
        try await db.update("projects").set("version", to: project.version).set("updated_at", to: date.millis)
            .where("id", .equal, project.id).run()
    }

    struct ListedProject: Sendable {
        var project: Project
        /// The caller's own membership role, if any.
        var memberRole: ProjectRole?
        /// Similarity to the search text, when searching.
        var score: Double?
    }

    /// The projects the user can see, filtered, sorted and paginated in SQL, so pages and cursors are exact.
    /// Returns up to `limit + 1` rows.
    func list(_ query: ListQuery, on db: any SQLDatabase) async throws -> [ListedProject] {
        var select = db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("projects")))
            .column(SQLColumn("role", table: "m"), as: "member_role")
            .from("projects")
            .join(SQLAlias(SQLIdentifier("project_members"), as: SQLIdentifier("m")), method: SQLJoinMethod.left, on: SQLBinaryExpression(
                SQLBinaryExpression(SQLColumn("project_id", table: "m"), .equal, SQLColumn("id", table: "projects")),
                .and,
                SQLBinaryExpression(SQLColumn("user_id", table: "m"), .equal, SQLBind(query.userId))))
            .where(SQLColumn("org_id", table: "projects"), .equal, SQLBind(query.orgId))
            .where(SQLColumn("archived", table: "projects"), .equal, SQLBind(query.archived))
        if !query.seesEverything {
            select = select.where {
                $0.where(SQLColumn("visibility", table: "projects"), .equal, SQLBind(ProjectVisibility.org.rawValue))
                    .orWhere(SQLColumn("user_id", table: "m"), .isNot, SQLLiteral.null)
            }
        }
        let after = query.after
        if let search = query.search {
            let score = SQLFunction("name_match", args: SQLColumn("name", table: "projects"), SQLBind(search))
            select = select.column(score, as: "score").where {
                $0.where(score, .greaterThanOrEqual, SQLBind(Self.similarityThreshold))
                    .orWhere(SQLColumn("sort_name", table: "projects"), .like, Self.likePattern(containing: search.lowercased()))
            }
            if let after, let lastScore = Double(after[0]) {
                select = select.where {
                    $0.where(score, .lessThan, SQLBind(lastScore))
                        .orWhere { $0.where(score, .equal, SQLBind(lastScore)).where(SQLColumn("id", table: "projects"), .greaterThan, SQLBind(after[1])) }
                }
            }
            select = select.orderBy(SQLIdentifier("score"), SQLDirection.descending).orderBy(SQLColumn("id", table: "projects"))
        } else {
            switch query.sort {
            case .name:
                let sortName = SQLColumn("sort_name", table: "projects")
                if let after {
                    select = select.where {
                        $0.where(sortName, .greaterThan, SQLBind(after[0]))
                            .orWhere { $0.where(sortName, .equal, SQLBind(after[0])).where(SQLColumn("id", table: "projects"), .greaterThan, SQLBind(after[1])) }
                    }
                }
                select = select.orderBy(sortName).orderBy(SQLColumn("id", table: "projects"))
            case .newest:
                if let after, let millis = Int64(after[0]) {
                    select = select.where {
                        $0.where(SQLColumn("created_at", table: "projects"), .lessThan, SQLBind(millis))
                            .orWhere { $0.where(SQLColumn("created_at", table: "projects"), .equal, SQLBind(millis)).where(SQLColumn("id", table: "projects"), .lessThan, SQLBind(after[1])) }
                    }
                }
                select = select.orderBy(SQLColumn("created_at", table: "projects"), SQLDirection.descending).orderBy(SQLColumn("id", table: "projects"), SQLDirection.descending)
            }
        }
        return try await select.limit(query.page.limit + 1).all().map { row in
            ListedProject(
                project: try Self.project(row),
                memberRole: try row.decode(column: "member_role", as: String?.self).flatMap(ProjectRole.init(rawValue:)),
                score: query.search == nil ? nil : try row.decode(column: "score", as: Double.self))
        }
    }

    /// `LIKE '%text%' ESCAPE '\'` with `%`, `_` and `\` in the user's text matching literally. The explicit
    /// ESCAPE clause makes SQLite (no default escape) and PostgreSQL (backslash) agree.
    static func likePattern(containing text: String) -> any SQLExpression {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        return SQLList([SQLBind("%" + escaped + "%"), SQLRaw("ESCAPE '\\'")], separator: SQLRaw(" "))
    }

    static func project(_ row: any SQLRow) throws -> Project {
        Project(
            id: try row.string("id"), orgId: try row.string("org_id"), name: try row.string("name"),
            key: try row.string("project_key"), description: try row.optionalString("description"),
            visibility: try row.value("visibility", as: ProjectVisibility.self),
            archived: try row.decode(column: "archived", as: Bool.self), createdBy: try row.string("created_by"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
            version: try row.decode(column: "version", as: Int64.self))
    }

    /// Every project of the org, or only those where `memberId` is a member.
    func projects(orgId: String, memberId: String?, on db: any SQLDatabase) async throws -> [Project] {
        var select = db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("projects"))).from("projects")
            .where(SQLColumn("org_id", table: "projects"), .equal, SQLBind(orgId))
        if let memberId {
            select = select.join("project_members", on: SQLColumn("project_id", table: "project_members"), .equal, SQLColumn("id", table: "projects"))
                .where(SQLColumn("user_id", table: "project_members"), .equal, SQLBind(memberId))
        }
        // Locked like `lockedProject(id:on:)`: the callers change each of these projects.
        return try await select.lockingClause(SQLLockingClause.update).all().map(Self.project)
    }

    // MARK: Members

    func memberRole(projectId: String, userId: String, on db: any SQLDatabase) async throws -> ProjectRole? {
        try await db.select().column("role").from("project_members")
            .where("project_id", .equal, projectId).where("user_id", .equal, userId)
            .first().map { try $0.value("role", as: ProjectRole.self) }
    }

    func setMember(projectId: String, userId: String, role: ProjectRole, at date: Date, on db: any SQLDatabase) async throws {
        try await db.insert(into: "project_members").columns("project_id", "user_id", "role", "created_at")
            .values(SQLBind(projectId), SQLBind(userId), SQLBind(role.rawValue), SQLBind(date.millis))
            .onConflict(with: ["project_id", "user_id"]) { $0.set(excludedValueOf: "role") }
            .run()
    }

    func removeMember(projectId: String, userId: String, on db: any SQLDatabase) async throws {
        try await db.delete(from: "project_members").where("project_id", .equal, projectId).where("user_id", .equal, userId).run()
    }

    func member(projectId: String, userId: String, on db: any SQLDatabase) async throws -> ProjectMember? {
        try await memberQuery(projectId: projectId, on: db).where(SQLColumn("user_id", table: "m"), .equal, SQLBind(userId))
            .first().map(Self.member)
    }

    func members(projectId: String, page: PageRequest, on db: any SQLDatabase) async throws -> [ProjectMember] {
        var select = memberQuery(projectId: projectId, on: db)
        if let after = page.after?.first { select = select.where(SQLColumn("user_id", table: "m"), .greaterThan, SQLBind(after)) }
        return try await select.orderBy(SQLColumn("user_id", table: "m")).limit(page.limit + 1).all().map(Self.member)
    }

    private func memberQuery(projectId: String, on db: any SQLDatabase) -> SQLSelectBuilder {
        db.select()
            .column(SQLColumn("user_id", table: "m")).column(SQLColumn("role", table: "m")).column(SQLColumn("created_at", table: "m"))
            .column(SQLColumn("name", table: "u")).column(SQLColumn("email", table: "u"))
            .from(SQLAlias(SQLIdentifier("project_members"), as: SQLIdentifier("m")))
            .join(SQLAlias(SQLIdentifier("user_directory"), as: SQLIdentifier("u")), method: SQLJoinMethod.left,
                  on: SQLColumn("user_id", table: "u"), .equal, SQLColumn("user_id", table: "m"))
            .where(SQLColumn("project_id", table: "m"), .equal, SQLBind(projectId))
    }

    static func member(_ row: any SQLRow) throws -> ProjectMember {
        ProjectMember(
            userId: try row.string("user_id"), role: try row.value("role", as: ProjectRole.self),
            displayName: try row.optionalString("name"), email: try row.optionalString("email"),
            addedAt: try row.date("created_at"))
    }

    // MARK: Settings

    func settings(projectId: String, on db: any SQLDatabase) async throws -> (ProjectSettings, Int64) {
        guard let row = try await db.select().columns("document", "version").from("project_settings")
            .where("project_id", .equal, projectId).first()
        else { return (.defaults, 0) }
        let settings = try JSONCoding.decoder().decode(ProjectSettings.self, from: Data(try row.string("document").utf8))
        return (settings, try row.decode(column: "version", as: Int64.self))
    }

    func saveSettings(_ settings: ProjectSettings, version: Int64, projectId: String, at date: Date, on db: any SQLDatabase) async throws {
        let document = String(decoding: try JSONCoding.encoder().encode(settings), as: UTF8.self)
        try await db.insert(into: "project_settings").columns("project_id", "document", "version", "updated_at")
            .values(SQLBind(projectId), SQLBind(document), SQLBind(version), SQLBind(date.millis))
            .onConflict(with: ["project_id"]) { $0.set(excludedValueOf: "document").set(excludedValueOf: "version").set(excludedValueOf: "updated_at") }
            .run()
    }
}
