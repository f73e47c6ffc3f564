import AcmeCore
import AcmeDatabase
import AcmeEvents

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension UserService {
    public struct NewOrg: StrictDecodable, Sendable {
        public var name: String
        public var slug: String
        public var region: String
        public enum CodingKeys: String, CodingKey { case name, slug, region }
    }

    public struct OrgChanges: StrictDecodable, Sendable {
        public var name: String?
        public var slug: String?
        public enum CodingKeys: String, CodingKey { case name, slug }
    }

    /// Lowercase letters, digits and inner hyphens, 3–40 characters: safe in URLs and subdomains.
    static func isValidSlug(_ slug: String) -> Bool {
        (3...40).contains(slug.count) && !slug.hasPrefix("-") && !slug.hasSuffix("-")
            && slug.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    func createOrg(_ principal: Principal, _ input: NewOrg, request: RequestInfo) async throws -> (OrganizationView, version: Int64) {
        try principal.require(.orgsWrite)
        var validator = Validator()
        let name = validator.text(input.name, "name", length: 1...100)
        let slug = input.slug.trimmingCharacters(in: .whitespaces).lowercased()
        validator.check(Self.isValidSlug(slug), "slug", "must be 3–40 lowercase letters, digits or hyphens, not starting or ending with a hyphen")
        let region = Region(rawValue: input.region)
        validator.check(region != nil, "region", "must be one of: \(Region.allCases.map(\.rawValue).joined(separator: ", "))")
        try validator.finish()

        defer { forgetRoles(userId: principal.userId) }
        return try await outbox.transaction { db, events in
            guard try await store.user(id: principal.userId, on: db) != nil else { throw AcmeError.unauthorized() }
            var org = Organization(
                id: AcmeID.make("org", at: events.now), name: name, slug: slug, region: region!, createdAt: events.now,
                updatedAt: events.now, version: 1)
            do {
                try await store.insert(org, on: db)
            } catch where DatabaseFailure.isConflict(error) {
                throw AcmeError.conflict("The slug '\(slug)' is taken.")
            }
            try await events.emit(
                OrgCreated(orgId: org.id, name: org.name, slug: org.slug, region: org.region.rawValue, ownerId: principal.userId),
                subject: org.id, subjectVersion: org.version, orgId: org.id, actor: principal.userId, request: request)
            try await store.addMember(orgId: org.id, userId: principal.userId, role: .owner, at: events.now, on: db)
            org.version = try await store.bumpVersion(orgId: org.id, at: events.now, on: db)
            try await events.emit(
                OrgMemberAdded(orgId: org.id, userId: principal.userId, role: .owner, invitationId: nil),
                subject: org.id, subjectVersion: org.version, orgId: org.id, actor: principal.userId, request: request)
            return (OrganizationView(org, role: .owner), org.version)
        }
    }

    func orgs(_ principal: Principal, page: PageRequest) async throws -> Page<OrganizationView> {
        try principal.require(.orgsRead)
        let rows = try await database.read { db in try await store.orgs(of: principal.userId, page: page, on: db) }
        return Page(rows: rows, limit: page.limit) { [$0.id] }
    }

    /// The org and the caller's role, or 404 if the caller is not a member.
    func org(_ principal: Principal, id: String, requiring permission: OrgPermission = .read) async throws -> (Organization, OrgRole) {
        try principal.require(permission == .read ? .orgsRead : .orgsWrite)
        let (org, role) = try await database.read { db in
            (try await store.org(id: id, on: db), try await store.role(of: principal.userId, in: id, on: db))
        }
        let granted = try OrgAccess.check(org == nil ? nil : role, permission)
        return (org!, granted)
    }

    func updateOrg(_ principal: Principal, id: String, _ changes: OrgChanges, ifMatch: String?, request: RequestInfo) async throws -> (Organization, OrgRole) {
        try principal.require(.orgsWrite)
        var validator = Validator()
        let name = changes.name.map { validator.text($0, "name", length: 1...100) }
        let slug = changes.slug.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let slug {
            validator.check(Self.isValidSlug(slug), "slug", "must be 3–40 lowercase letters, digits or hyphens, not starting or ending with a hyphen")
        }
        try validator.finish()

        return try await outbox.transaction { db, events in
            let role = try OrgAccess.check(try await store.role(of: principal.userId, in: id, on: db), .manageSettings)
            guard var org = try await store.org(id: id, on: db) else { throw AcmeError.notFound() }
            try ETag.check(ifMatch, current: ETag.make(version: org.version))
            let before = org
            if let name { org.name = name }
            if let slug { org.slug = slug }
            if org == before { return (org, role) }  // nothing changed: no new version, no event
            org.version += 1
            org.updatedAt = events.now
            do {
                try await store.update(org, on: db)
            } catch where DatabaseFailure.isConflict(error) {
                throw AcmeError.conflict("The slug '\(org.slug)' is taken.")
            }
            try await events.emit(
                OrgUpdated(orgId: org.id, name: org.name, slug: org.slug), subject: org.id, subjectVersion: org.version,
                orgId: org.id, actor: principal.userId, request: request)
            return (org, role)
        }
    }

    func deleteOrg(_ principal: Principal, id: String, request: RequestInfo) async throws {
        try principal.require(.orgsWrite)
        defer { forgetRoles(orgId: id) }
        try await outbox.transaction { db, events in
            _ = try OrgAccess.check(try await store.role(of: principal.userId, in: id, on: db), .manageOwners)
            guard let org = try await store.org(id: id, on: db) else { throw AcmeError.notFound() }
            try await store.deleteOrg(id: id, on: db)
            try await events.emit(
                OrgDeleted(orgId: id), subject: id, subjectVersion: org.version + 1, orgId: id, actor: principal.userId,
                request: request)
        }
    }
}
