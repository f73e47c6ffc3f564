/// A member's role in an organization, ordered by power: owner > admin > member > viewer.
public enum OrgRole: String, Sendable, Codable, CaseIterable, Comparable {
    case viewer
    case member
    case admin
    case owner

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .member: 1
        case .admin: 2
        case .owner: 3
        }
    }

    public static func < (lhs: OrgRole, rhs: OrgRole) -> Bool { lhs.rank < rhs.rank }
}
