import AcmeCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What other services may ask of the User service (in-process now, over gRPC when split).
public protocol UserAPI: Sendable {
    /// Creates the profile for a new account, or returns it if it exists (idempotent on `id`).
    func provisionUser(id: String, email: String, name: String, request: RequestInfo) async throws -> UserProfile
    func user(id: String) async throws -> UserProfile?
    /// The user's role in the org, or nil if they are not a member (or the org does not exist).
    func role(of userId: String, in orgId: String) async throws -> OrgRole?
    /// Removes the profile and memberships. Refuses (409) while the user is the last owner of an org.
    func deleteUser(id: String, request: RequestInfo) async throws
}

public struct UserProfile: Codable, Sendable, Equatable {
    public var id: String
    public var email: String
    public var name: String
    public var avatarUrl: String?
    public var timeZone: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64
}

public enum Region: String, Codable, Sendable, CaseIterable {
    case usEast = "us-east"
    case euWest = "eu-west"
}

public struct Organization: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var slug: String
    public var region: Region
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64
}

/// An org as its member sees it: the org plus the caller's role.
public struct OrganizationView: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var slug: String
    public var region: Region
    public var role: OrgRole
    public var createdAt: Date
    public var updatedAt: Date

    init(_ org: Organization, role: OrgRole) {
        id = org.id
        name = org.name
        slug = org.slug
        region = org.region
        self.role = role
        createdAt = org.createdAt
        updatedAt = org.updatedAt
    }
}

public struct Member: Codable, Sendable, Equatable {
    public var userId: String
    public var email: String
    public var name: String
    public var role: OrgRole
    public var joinedAt: Date
}

public struct Invitation: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case pending, accepted, revoked, expired
    }

    public var id: String
    public var orgId: String
    public var email: String
    public var role: OrgRole
    public var status: Status
    public var invitedBy: String
    public var createdAt: Date
    public var expiresAt: Date
}
