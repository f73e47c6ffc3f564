import AcmeCore
import AcmeEvents

extension ProjectService {
    /// A partial settings document: fields present replace the stored ones.
    public struct SettingsChanges: StrictDecodable, Sendable {
        public var allowedFileTypes: [String]?
        public var maxFileSizeMB: Int?
        public var webhookOnChange: Bool?
        public var defaultDocumentTags: [String]?
        public enum CodingKeys: String, CodingKey { case allowedFileTypes, maxFileSizeMB, webhookOnChange, defaultDocumentTags }
    }

    static let maxFileSizeRange = 1...5120

    /// `type/subtype` or `type/*`, lowercase, as in Content-Type.
    static func isMediaRange(_ value: String) -> Bool {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        let token: (Substring) -> Bool = { part in
            !part.isEmpty && part.count <= 127 && part.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || "!#$&^_.+-".unicodeScalars.contains($0)
            }
        }
        return parts.count == 2 && token(parts[0]) && (parts[1] == "*" || token(parts[1]))
    }

    func settings(_ principal: Principal, projectId: String) async throws -> (ProjectSettings, version: Int64) {
        _ = try await authorize(principal, projectId: projectId, .projectsRead, needs: .viewer)
        let (settings, version) = try await database.read { db in try await store.settings(projectId: projectId, on: db) }
        return (settings, version + 1)
    }

    func updateSettings(_ principal: Principal, projectId: String, _ changes: SettingsChanges, ifMatch: String?, request: RequestInfo) async throws -> (ProjectSettings, version: Int64) {
        var validator = Validator()
        if let types = changes.allowedFileTypes {
            validator.check(types.count <= 50, "allowedFileTypes", "must list at most 50 types")
            for (index, type) in types.enumerated() where !Self.isMediaRange(type) {
                validator.check(false, "allowedFileTypes[\(index)]", "must be a lowercase media type such as image/png or image/*")
            }
        }
        if let size = changes.maxFileSizeMB {
            validator.check(Self.maxFileSizeRange.contains(size), "maxFileSizeMB", "must be from 1 to 5120")
        }
        let tags = changes.defaultDocumentTags.map { Tags.normalize($0, field: "defaultDocumentTags", max: 10, into: &validator) }
        try validator.finish()
        _ = try await authorize(principal, projectId: projectId, .projectsWrite, needs: .admin)

        let (settings, version, project) = try await outbox.transaction { db, events in
            guard var project = try await store.lockedProject(id: projectId, on: db) else { throw AcmeError.notFound() }
            var (settings, stored) = try await store.settings(projectId: projectId, on: db)
            // Stored version 0 means "defaults, never saved"; the ETag counts from 1.
            try ETag.check(ifMatch, current: ETag.make(version: stored + 1))
            let before = settings
            if let types = changes.allowedFileTypes { settings.allowedFileTypes = Array(Set(types)).sorted() }
            if let size = changes.maxFileSizeMB { settings.maxFileSizeMB = size }
            if let flag = changes.webhookOnChange { settings.webhookOnChange = flag }
            if let tags { settings.defaultDocumentTags = tags }
            guard settings != before else { return (settings, stored + 1, project) }
            try await store.saveSettings(settings, version: stored + 1, projectId: projectId, at: events.now, on: db)
            try await store.touch(&project, at: events.now, on: db)
            try await events.emit(
                ProjectSettingsUpdated(projectId: projectId, settings: settings), subject: projectId, subjectVersion: project.version,
                orgId: project.orgId, actor: principal.userId, request: request)
            return (settings, stored + 2, project)
        }
        remember(project, id: projectId, settings: settings)
        return (settings, version)
    }
}
