import AcmeCore
import AcmeDatabase
import AcmeEvents
import Hummingbird
import Logging
import Project
import SQLKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Document service: Markdown documents in projects, their version history and comments.
///
/// Who may do what comes from the Project service (`ProjectAPI.access`, cached there); this service never
/// reads the Project service's tables. Every change is written with its events through the outbox.
public struct DocumentService: DocumentAPI {
    public static let migrations: [any Migration] = [
        CreateDocumentTables(), Outbox.migration, IdempotencyKey.migration,
    ]

    /// Largest document body: 1 MiB of UTF-8.
    public static let maxBodyBytes = 1 << 20
    /// Request body limit of the document write routes: a 1 MiB body can grow several-fold as escaped JSON.
    public static let maxRequestBytes = 4 << 20

    let outbox: Outbox
    let projects: any ProjectAPI
    let store = DocumentStore()
    let commentStore = CommentStore()
    let cache = DocumentCache()
    let clock: any WallClock
    let logger: Logger

    public init(outbox: Outbox, projects: any ProjectAPI, clock: any WallClock, logger: Logger) {
        self.outbox = outbox
        self.projects = projects
        self.clock = clock
        self.logger = logger
    }

    var database: any Database { outbox.database }

    public func addRoutes(to router: some RouterMethods<AcmeRequestContext>) {
        DocumentRoutes(service: self).addRoutes(to: router)
        DocumentVersionRoutes(service: self).addRoutes(to: router)
        CommentRoutes(service: self).addRoutes(to: router)
    }

    public func document(id: String) async throws -> Document? {
        try await database.read { db in try await store.document(id: id, on: db) }
    }

    // MARK: Access

    /// The caller's standing in the project: 404 when they cannot see it (other tenants learn nothing),
    /// 403 when their role is below `role`, 409 for writes to an archived project.
    func authorize(_ principal: Principal, projectId: String, needs role: ProjectRole, writing: Bool = false) async throws -> ProjectAccess {
        guard let access = try await projects.access(userId: principal.userId, projectId: projectId) else {
            throw AcmeError.notFound()
        }
        try access.require(role, writing: writing)
        return access
    }

    /// Checks the caller may act on the document described by `facts` (nil: no such document): 404 when
    /// they cannot see its project, then 410 when it is deleted, then the role (and archive) check.
    func authorize(_ principal: Principal, document facts: DocumentStore.Facts?, needs role: ProjectRole, writing: Bool = false) async throws -> ProjectAccess {
        guard let facts, let access = try await projects.access(userId: principal.userId, projectId: facts.projectId) else {
            throw AcmeError.notFound()
        }
        if facts.deleted { throw Self.gone(facts.id) }
        try access.require(role, writing: writing)
        return access
    }

    static func gone(_ documentId: String) -> AcmeError {
        .gone("The document was deleted; a project admin can restore it with POST /v1/documents/\(documentId)/restore.")
    }

    /// Runs `create` once per idempotency key (or always, without one).
    func idempotent<T: Codable & Sendable>(_ key: IdempotencyKey?, on db: any SQLDatabase, now: Date, _ create: () async throws -> T) async throws -> (T, Bool) {
        guard let key else { return (try await create(), false) }
        let result = try await key.run(on: db, now: now, create)
        return (result.value, result.replayed)
    }
}
