import AcmeEvents

/// Events the Project service publishes on `acme.projects.events`; every one carries the project's
/// version after the change as its subject version.
public struct ProjectCreated: DomainEvent, Equatable {
    public static let type = "project.created"
    public static let topic = Topic.projectsEvents
    public var projectId: String
    public var name: String
    public var key: String
    public var visibility: ProjectVisibility
    public var description: String?
}

public struct ProjectUpdated: DomainEvent, Equatable {
    public static let type = "project.updated"
    public static let topic = Topic.projectsEvents
    public var projectId: String
    public var name: String
    public var description: String?
    public var visibility: ProjectVisibility
}

public struct ProjectArchived: DomainEvent, Equatable {
    public static let type = "project.archived"
    public static let topic = Topic.projectsEvents
    public var projectId: String
}

public struct ProjectUnarchived: DomainEvent, Equatable {
    public static let type = "project.unarchived"
    public static let topic = Topic.projectsEvents
    public var projectId: String
}

public struct ProjectDeleted: DomainEvent, Equatable {
    public static let type = "project.deleted"
    public static let topic = Topic.projectsEvents
    public var projectId: String
}

public struct ProjectMemberAdded: DomainEvent, Equatable {
    public static let type = "project.member_added"
    public static let topic = Topic.projectsEvents
    public var projectId: String
    public var userId: String
    public var role: ProjectRole
}

public struct ProjectMemberRoleChanged: DomainEvent, Equatable {
    public static let type = "project.member_role_changed"
    public static let topic = Topic.projectsEvents
    public var projectId: String
    public var userId: String
    public var from: ProjectRole
    public var to: ProjectRole
}

public struct ProjectMemberRemoved: DomainEvent, Equatable {
    public static let type = "project.member_removed"
    public static let topic = Topic.projectsEvents
    public var projectId: String
    public var userId: String
}

public struct ProjectSettingsUpdated: DomainEvent, Equatable {
    public static let type = "project.settings_updated"
    public static let topic = Topic.projectsEvents
    public var projectId: String
    public var settings: ProjectSettings
}
