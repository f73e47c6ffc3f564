import AcmeCore
import AcmeDatabase
import Project

extension DocumentService {
    func versions(_ principal: Principal, documentId: String, page: PageRequest) async throws -> Page<DocumentVersionSummary> {
        try principal.require(.documentsRead)
        let before = page.after?.first.flatMap { Int64($0) }
        let (facts, rows) = try await database.read { db -> (DocumentStore.Facts?, [DocumentVersionSummary]) in
            guard let (facts, current) = try await store.currentVersion(documentId: documentId, on: db) else { return (nil, []) }
            guard !facts.deleted else { return (facts, []) }
            // The page lists versions below `below`: the current one lives with the document, the ones before
            // it in the history table.
            let below = min(before ?? .max, current.version + 1)
            var rows = below > current.version ? [current] : []
            rows += try await store.pastVersions(
                documentId: documentId, before: min(below, current.version), limit: page.limit + 1 - rows.count, on: db)
            return (facts, rows)
        }
        _ = try await authorize(principal, document: facts, needs: .viewer)
        return Page(rows: rows, limit: page.limit) { [String($0.version)] }
    }

    func version(_ principal: Principal, documentId: String, number: Int64) async throws -> DocumentVersion {
        try principal.require(.documentsRead)
        let (facts, version) = try await database.read { db -> (DocumentStore.Facts?, DocumentVersion?) in
            guard let facts = try await store.facts(id: documentId, on: db) else { return (nil, nil) }
            return (facts, try await store.version(documentId: documentId, number: number, on: db))
        }
        _ = try await authorize(principal, document: facts, needs: .viewer)
        guard let version else { throw AcmeError.notFound("The document has no version \(number).") }
        return version
    }

    /// Writes a new version whose content (title, body, tags) is version `number`'s.
    func restoreVersion(_ principal: Principal, documentId: String, number: Int64, request: RequestInfo) async throws -> Document {
        try principal.require(.documentsWrite)
        // Versions never change, so the one to restore is read once, outside the attempts of `revise`.
        let target = try await database.read { db in try await store.version(documentId: documentId, number: number, on: db) }
        return try await revise(principal, id: documentId, needs: .editor, request: request) { current in
            guard let target else { throw AcmeError.notFound("The document has no version \(number).") }
            var next = current
            next.title = target.title
            next.body = target.body
            next.tags = target.tags
            return (next, Self.revision(.updated, restoredFrom: number, from: current, to: next))
        }
    }
}
