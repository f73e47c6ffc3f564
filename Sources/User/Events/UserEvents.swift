import AcmeCore
import AcmeEvents

/// Events the User service publishes on `acme.users.events`. User events carry the profile version,
/// org and membership events the org's version.
public struct UserCreated: DomainEvent, Equatable {
    public static let type = "user.created"
    public static let topic = Topic.usersEvents
    public var userId: String
    public var email: String
    public var name: String
}

public struct UserUpdated: DomainEvent, Equatable {
    public static let type = "user.updated"
    public static let topic = Topic.usersEvents
    public var userId: String
    public var email: String
    public var name: String
}

public struct UserProfileDeleted: DomainEvent, Equatable {
    public static let type = "user.deleted"
    public static let topic = Topic.usersEvents
    public var userId: String
}

public struct OrgCreated: DomainEvent, Equatable {
    public static let type = "org.created"
    public static let topic = Topic.usersEvents
    public var orgId: String
    public var name: String
    public var slug: String
    public var region: String
    public var ownerId: String
}

public struct OrgUpdated: DomainEvent, Equatable {
    public static let type = "org.updated"
    public static let topic = Topic.usersEvents
    public var orgId: String
    public var name: String
    public var slug: String
}

public struct OrgDeleted: DomainEvent, Equatable {
    public static let type = "org.deleted"
    public static let topic = Topic.usersEvents
    public var orgId: String
}

public struct OrgMemberAdded: DomainEvent, Equatable {
    public static let type = "org.member_added"
    public static let topic = Topic.usersEvents
    public var orgId: String
    public var userId: String
    public var role: OrgRole
    /// The invitation accepted, if any.
    public var invitationId: String?
}

public struct OrgMemberRoleChanged: DomainEvent, Equatable {
    public static let type = "org.member_role_changed"
    public static let topic = Topic.usersEvents
    public var orgId: String
    public var userId: String
    public var from: OrgRole
    public var to: OrgRole
}

public struct OrgMemberRemoved: DomainEvent, Equatable {
    public static let type = "org.member_removed"
    public static let topic = Topic.usersEvents
    public var orgId: String
    public var userId: String
}

public struct InvitationCreated: DomainEvent, Equatable {
    public static let type = "org.invitation_created"
    public static let topic = Topic.usersEvents
    public var orgId: String
    public var invitationId: String
    public var email: String
    public var role: OrgRole
}

public struct InvitationRevoked: DomainEvent, Equatable {
    public static let type = "org.invitation_revoked"
    public static let topic = Topic.usersEvents
    public var orgId: String
    public var invitationId: String
}
