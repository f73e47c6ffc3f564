/// Actions on an organization and the least role that may perform each.
public enum OrgPermission: Sendable {
    /// See the org, its members and its resources.
    case read
    /// Create and change resources inside the org.
    case write
    /// Invite, remove and change the roles of members below owner.
    case manageMembers
    /// Rename the org and change its settings.
    case manageSettings
    /// Grant or revoke the owner role, delete the org.
    case manageOwners

    public var minimumRole: OrgRole {
        switch self {
        case .read: .viewer
        case .write: .member
        case .manageMembers, .manageSettings: .admin
        case .manageOwners: .owner
        }
    }
}

extension OrgRole {
    public func allows(_ permission: OrgPermission) -> Bool { self >= permission.minimumRole }
}

/// The single authorization rule for org-scoped resources.
public enum OrgAccess {
    /// `role` is the caller's role in the org, or nil when the caller is not a member.
    /// Non-members get 404 so that ids of other tenants' resources leak nothing; members without the
    /// permission get 403.
    public static func check(_ role: OrgRole?, _ permission: OrgPermission) throws(AcmeError) -> OrgRole {
        guard let role else { throw .notFound() }
        guard role.allows(permission) else { throw .forbidden() }
        return role
    }
}
