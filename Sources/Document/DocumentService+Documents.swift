import AcmeCore
import AcmeDatabase
import AcmeEvents
import Hummingbird
import Project

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension DocumentService {
    public struct NewDocument: StrictDecodable, Sendable {
        public var title: String
        public var body: String
        /// Absent or empty: the project's default document tags.
        public var tags: [String]?
        public enum CodingKeys: String, CodingKey { case title, body, tags }
    }

    /// A partial update: fields present replace the stored ones; null is not a value for any of them.
    public struct DocumentChanges: StrictDecodable, Sendable {
        public var title: String?
        public var body: String?
        public var tags: [String]?
        public enum CodingKeys: String, CodingKey { case title, body, tags }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            title = container.contains(.title) ? try container.decode(String.self, forKey: .title) : nil
            body = container.contains(.body) ? try container.decode(String.self, forKey: .body) : nil
            tags = container.contains(.tags) ? try container.decode([String].self, forKey: .tags) : nil
        }
    }

    struct ListParameters: Sendable {
        var tag: String?
        var updatedSince: Date?
        var page: PageRequest
    }

    /// Which state a change starts from.
    enum Expected {
        case live
        case deleted
    }

    static let maxTags = 20
    static let titleLength = 1...200
    /// Attempts of a change that keeps losing the race to concurrent writers before giving up.
    static let maxAttempts = 5

    /// Over 1 MiB is 413, like a request body over its limit.
    static func checkBodySize(_ body: String) throws(AcmeError) {
        if body.utf8.count > maxBodyBytes { throw .payloadTooLarge(limit: maxBodyBytes) }
    }

    /// Markdown is stored as sent, except NUL characters: no text column (PostgreSQL's least of all) holds them.
    static func checkBodyText(_ body: String, into validator: inout Validator) {
        validator.check(!body.utf8.contains(0), "body", "must not contain NUL characters")
    }

    func createDocument(_ principal: Principal, projectId: String, _ input: NewDocument, idempotency: IdempotencyKey?, request: RequestInfo) async throws -> (Document, replayed: Bool) {
        try principal.require(.documentsWrite)
        try Self.checkBodySize(input.body)
        var validator = Validator()
        Self.checkBodyText(input.body, into: &validator)
        let title = validator.text(input.title, "title", length: Self.titleLength)
        let tags = input.tags.map { Tags.normalize($0, field: "tags", max: Self.maxTags, into: &validator) } ?? []
        try validator.finish()
        let access = try await authorize(principal, projectId: projectId, needs: .editor, writing: true)

        return try await outbox.transaction { db, events in
            try await idempotent(idempotency, on: db, now: events.now) {
                let document = Document(
                    id: AcmeID.make("doc", at: events.now), projectId: projectId, orgId: access.orgId, title: title,
                    body: input.body, tags: tags.isEmpty ? access.defaultDocumentTags : tags, version: 1,
                    createdBy: principal.userId, updatedBy: principal.userId, createdAt: events.now, updatedAt: events.now)
                let revision = DocumentStore.Revision(change: .created, addedLines: LineDiff.lineCount(document.body), bodyChanged: true)
                try await store.insert(document, revision, on: db)
                try await emit(revision, of: document, actor: principal.userId, events: events, request: request)
                return document
            }
        }
    }

    func documents(_ principal: Principal, projectId: String, _ parameters: ListParameters) async throws -> Page<DocumentSummary> {
        try principal.require(.documentsRead)
        _ = try await authorize(principal, projectId: projectId, needs: .viewer)
        let query = DocumentStore.ListQuery(
            projectId: projectId, tag: parameters.tag, updatedSince: parameters.updatedSince, page: parameters.page)
        let rows = try await database.read { db in try await store.list(query, on: db) }
        return Page(rows: rows, limit: parameters.page.limit) { [String($0.updatedAt.millis), $0.id] }
    }

    /// The hot path of the service: the document from the cache (or one read), the (cached) access check, and
    /// the document's JSON as responses carry it, encoded once per version while the document stays cached.
    func document(_ principal: Principal, id: String) async throws -> (Document, json: ByteBuffer) {
        try principal.require(.documentsRead)
        var found = cache.document(id: id, now: clock.now())
        if found == nil {
            found = try await database.read { db in try await store.document(id: id, on: db) }.map { ($0, nil) }
        }
        guard let (document, json) = found else { throw AcmeError.notFound() }
        _ = try await authorize(principal, projectId: document.projectId, needs: .viewer)
        if document.deletedAt != nil { throw Self.gone(id) }
        if let json { return (document, json) }
        let encoded = ByteBuffer(bytes: try CompactJSONEncoder.encode(document))
        cache.remember(document, json: encoded, now: clock.now())
        return (document, encoded)
    }

    func updateDocument(_ principal: Principal, id: String, _ changes: DocumentChanges, ifMatch: String, request: RequestInfo) async throws -> Document {
        try principal.require(.documentsWrite)
        if let body = changes.body { try Self.checkBodySize(body) }
        var validator = Validator()
        if let body = changes.body { Self.checkBodyText(body, into: &validator) }
        let title = changes.title.map { validator.text($0, "title", length: Self.titleLength) }
        let tags = changes.tags.map { Tags.normalize($0, field: "tags", max: Self.maxTags, into: &validator) }
        try validator.finish()
        return try await revise(principal, id: id, needs: .editor, ifMatch: ifMatch, request: request) { current in
            var next = current
            if let title { next.title = title }
            if let body = changes.body { next.body = body }
            if let tags { next.tags = tags }
            guard next != current else { return nil }
            return (next, Self.revision(.updated, from: current, to: next))
        }
    }

    func deleteDocument(_ principal: Principal, id: String, request: RequestInfo) async throws {
        _ = try await revise(principal, id: id, needs: .admin, request: request) { current in
            (current, DocumentStore.Revision(change: .deleted))
        }
    }

    func restoreDocument(_ principal: Principal, id: String, request: RequestInfo) async throws -> Document {
        try await revise(principal, id: id, needs: .admin, from: .deleted, request: request) { current in
            (current, DocumentStore.Revision(change: .restored))
        }
    }

    /// The revision from `old` to `new`, with the body's line diff when it changed.
    static func revision(_ change: DocumentVersionSummary.Change, restoredFrom: Int64? = nil, from old: Document, to new: Document) -> DocumentStore.Revision {
        let bodyChanged = old.body != new.body
        let diff = bodyChanged ? LineDiff.stats(from: old.body, to: new.body) : LineDiff.Stats(added: 0, removed: 0)
        return DocumentStore.Revision(
            change: change, restoredFrom: restoredFrom, addedLines: diff.added, removedLines: diff.removed,
            titleChanged: old.title != new.title, tagsChanged: old.tags != new.tags, bodyChanged: bodyChanged)
    }

    /// Writes the next version of a document as `plan` makes it from the current one (nil: nothing changes,
    /// nothing is written).
    ///
    /// The plan, with its line diff, runs before the write transaction, so the single writer never waits on
    /// that CPU work. The transaction's UPDATE applies the plan only while the document is still at the
    /// version it was planned from (a compare-and-set on `version`, checked and written in the same
    /// transaction), so of concurrent changes from one version exactly one wins. A loser starts over from the
    /// new state, where its now stale `If-Match` is a 412; changes without one are simply planned again.
    func revise(
        _ principal: Principal, id: String, needs role: ProjectRole, from state: Expected = .live, ifMatch: String? = nil,
        request: RequestInfo, plan: (Document) throws -> (Document, DocumentStore.Revision)?
    ) async throws -> Document {
        try principal.require(.documentsWrite)
        for _ in 0..<Self.maxAttempts {
            let current = try await database.read { db in try await store.document(id: id, on: db) }
            guard let current else { throw AcmeError.notFound() }
            _ = try await authorize(principal, projectId: current.projectId, needs: role, writing: true)
            switch (state, current.deletedAt) {
            case (.live, .some): throw Self.gone(id)
            case (.deleted, .none): throw AcmeError.conflict("The document is not deleted.")
            default: break
            }
            try ETag.check(ifMatch, current: ETag.make(version: current.version))
            guard let (planned, revision) = try plan(current) else { return current }

            let saved = try await outbox.transaction { db, events -> Document? in
                var next = planned
                next.version = current.version + 1
                next.size = next.body.utf8.count
                next.updatedBy = principal.userId
                next.updatedAt = events.now
                switch revision.change {
                case .deleted: next.deletedAt = events.now
                case .restored: next.deletedAt = nil
                case .created, .updated: break
                }
                guard try await store.update(next, revision, expected: current.version, on: db) else { return nil }
                if revision.tagsChanged {
                    try await store.replaceTags(of: next, on: db)
                } else {
                    try await store.touchTags(of: next, on: db)
                }
                try await emit(revision, of: next, actor: principal.userId, events: events, request: request)
                return next
            }
            if let saved {
                cache.remember(saved, now: clock.now())
                return saved
            }
        }
        throw AcmeError.conflict("The document kept changing while this change was being applied; retry.")
    }

    private func emit(_ revision: DocumentStore.Revision, of document: Document, actor: String, events: EventWriter, request: RequestInfo) async throws {
        let (subject, version, orgId) = (document.id, document.version, document.orgId)
        switch revision.change {
        case .created:
            try await events.emit(
                DocumentCreated(
                    projectId: document.projectId, documentId: subject, title: document.title, tags: document.tags,
                    version: version, size: document.size, body: DocumentEvents.excerpt(document.body)),
                subject: subject, subjectVersion: version, orgId: orgId, actor: actor, request: request)
        case .updated:
            try await events.emit(
                DocumentUpdated(
                    projectId: document.projectId, documentId: subject, title: document.title, tags: document.tags,
                    version: version, size: document.size, titleChanged: revision.titleChanged, tagsChanged: revision.tagsChanged,
                    bodyChanged: revision.bodyChanged, addedLines: revision.addedLines, removedLines: revision.removedLines,
                    restoredFrom: revision.restoredFrom, body: DocumentEvents.excerpt(document.body)),
                subject: subject, subjectVersion: version, orgId: orgId, actor: actor, request: request)
        case .deleted:
            try await events.emit(
                DocumentDeleted(projectId: document.projectId, documentId: subject, title: document.title, tags: document.tags, version: version),
                subject: subject, subjectVersion: version, orgId: orgId, actor: actor, request: request)
        case .restored:
            try await events.emit(
                DocumentRestored(
                    projectId: document.projectId, documentId: subject, title: document.title, tags: document.tags, version: version,
                    body: DocumentEvents.excerpt(document.body)),
                subject: subject, subjectVersion: version, orgId: orgId, actor: actor, request: request)
        }
    }
}
