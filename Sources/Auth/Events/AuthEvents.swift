import AcmeCore
import AcmeEvents

/// Events the Auth service publishes on `acme.users.events` (audited on `acme.audit.log`). They are
/// facts about credentials, not versioned state, so they carry no subject version; they are keyed by
/// the user so one user's events stay in order.
///
/// A new account; the User service provisions the profile from it (and emits `user.created`).
public struct AccountCreated: DomainEvent, Equatable {
    public static let type = "account.created"
    public static let topic = Topic.usersEvents
    public var userId: String
    public var email: String
    public var name: String
}

public struct UserLoggedIn: DomainEvent, Equatable {
    public static let type = "user.logged_in"
    public static let topic = Topic.usersEvents
    public var userId: String
    public var sessionId: String
    public var method: String
}

public struct UserLoginFailed: DomainEvent, Equatable {
    public static let type = "user.login_failed"
    public static let topic = Topic.usersEvents
    public var userId: String
    public var reason: String
}

public struct SessionRevoked: DomainEvent, Equatable {
    public static let type = "session.revoked"
    public static let topic = Topic.usersEvents
    public var userId: String
    public var sessionId: String
    public var reason: String
}

public struct PasswordChanged: DomainEvent, Equatable {
    public static let type = "user.password_changed"
    public static let topic = Topic.usersEvents
    public var userId: String
}

public struct MFAChanged: DomainEvent, Equatable {
    public static let type = "user.mfa_changed"
    public static let topic = Topic.usersEvents
    public var userId: String
    public var enabled: Bool
}

public struct MFAEnrollmentStarted: DomainEvent, Equatable {
    public static let type = "user.mfa_enrollment_started"
    public static let topic = Topic.usersEvents
    public var userId: String
}

public struct RecoveryCodeUsed: DomainEvent, Equatable {
    public static let type = "user.recovery_code_used"
    public static let topic = Topic.usersEvents
    public var userId: String
    public var remaining: Int
}

public struct APITokenCreated: DomainEvent, Equatable {
    public static let type = "api_token.created"
    public static let topic = Topic.usersEvents
    public var userId: String
    public var tokenId: String
    public var name: String
    public var scopes: [Scope]
}

public struct APITokenRevoked: DomainEvent, Equatable {
    public static let type = "api_token.revoked"
    public static let topic = Topic.usersEvents
    public var userId: String
    public var tokenId: String
}

public struct AccountDeleted: DomainEvent, Equatable {
    public static let type = "account.deleted"
    public static let topic = Topic.usersEvents
    public var userId: String
}
