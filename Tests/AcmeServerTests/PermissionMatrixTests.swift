import AcmeCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Every project endpoint × every kind of caller → the expected status.
///
/// Callers: the org's owner and admin, an org member and an org viewer who are not in the project, a
/// project editor and a project viewer (org members), and a user of another org.
@Suite struct PermissionMatrixTests {
    enum Actor: String, CaseIterable, Sendable {
        case owner, admin, member, viewer, editor, projectViewer, outsider
    }

    struct World: Sendable {
        var accounts: [Actor: TestApp.Account]
        var org: String
        var project: String
    }

    static func world(_ app: TestApp) async throws -> World {
        var accounts: [Actor: TestApp.Account] = [:]
        for actor in Actor.allCases { accounts[actor] = try await app.signup(actor.rawValue.capitalized) }
        let owner = accounts[.owner]!
        let org = try await app.createOrg(owner)
        let roles: [(Actor, String)] = [(.admin, "admin"), (.member, "member"), (.viewer, "viewer"), (.editor, "member"), (.projectViewer, "member")]
        for (actor, role) in roles { try await app.addMember(accounts[actor]!, to: org, role: role, by: owner) }
        _ = try await app.createOrg(accounts[.outsider]!)
        let project = try await app.createProject(owner, in: org, key: "MTX")
        try await app.setProjectRole(accounts[.editor]!, in: project, role: "editor", by: owner)
        try await app.setProjectRole(accounts[.projectViewer]!, in: project, role: "viewer", by: owner)
        return World(accounts: accounts, org: org, project: project)
    }

    struct Case: Sendable {
        var method: HTTPRequest.Method
        var path: @Sendable (World) -> String
        var body: String?
        var expected: [Actor: HTTPResponse.Status]
    }

    static func row(_ allowed: HTTPResponse.Status, for actors: Set<Actor>, otherwise denied: HTTPResponse.Status = .forbidden) -> [Actor: HTTPResponse.Status] {
        var result: [Actor: HTTPResponse.Status] = [:]
        for actor in Actor.allCases {
            result[actor] = actor == .outsider ? .notFound : (actors.contains(actor) ? allowed : denied)
        }
        return result
    }

    static let insiders: Set<Actor> = [.owner, .admin, .member, .viewer, .editor, .projectViewer]
    static let projectAdmins: Set<Actor> = [.owner, .admin]

    static let cases: [Case] = [
        Case(method: .get, path: { "/v1/orgs/\($0.org)/projects" }, body: nil, expected: row(.ok, for: insiders)),
        Case(method: .get, path: { "/v1/projects/\($0.project)" }, body: nil, expected: row(.ok, for: insiders)),
        Case(method: .patch, path: { "/v1/projects/\($0.project)" }, body: #"{"description":"x"}"#, expected: row(.ok, for: projectAdmins)),
        Case(method: .get, path: { "/v1/projects/\($0.project)/members" }, body: nil, expected: row(.ok, for: insiders)),
        Case(method: .get, path: { "/v1/projects/\($0.project)/settings" }, body: nil, expected: row(.ok, for: insiders)),
        Case(method: .patch, path: { "/v1/projects/\($0.project)/settings" }, body: #"{"webhookOnChange":true}"#, expected: row(.ok, for: projectAdmins)),
        Case(method: .post, path: { "/v1/projects/\($0.project)/archive" }, body: nil, expected: row(.ok, for: projectAdmins)),
        Case(method: .post, path: { "/v1/projects/\($0.project)/unarchive" }, body: nil, expected: row(.ok, for: projectAdmins)),
        Case(method: .put, path: { "/v1/projects/\($0.project)/members/\($0.accounts[.member]!.id)" }, body: #"{"role":"viewer"}"#, expected: row(.ok, for: projectAdmins)),
    ]

    @Test(arguments: Actor.allCases)
    func projectEndpoints(actor: Actor) async throws {
        try await TestApp.run { app in
            let world = try await Self.world(app)
            let token = world.accounts[actor]!.accessToken
            for entry in Self.cases {
                let path = entry.path(world)
                let response = try await app.request(entry.method, path, token: token, json: entry.body)
                var expected = entry.expected[actor]!
                // The first admin PUT adds the member (201); later ones change nothing (200).
                if entry.method == .put, expected == .ok, response.status == .created { expected = .created }
                #expect(response.status == expected, "\(actor) \(entry.method) \(path): \(response.bodyString)")
            }
            // Creating projects needs the org member role; viewers are read-only, outsiders see no org.
            let create = try await app.request(.post, "/v1/orgs/\(world.org)/projects", token: token, json: #"{"name":"New","key":"NEW"}"#)
            let creates: [Actor: HTTPResponse.Status] = [
                .owner: .created, .admin: .created, .member: .created, .editor: .created, .projectViewer: .created,
                .viewer: .forbidden, .outsider: .notFound,
            ]
            #expect(create.status == creates[actor], "\(actor) create: \(create.bodyString)")
            // Deleting the project: project admins only.
            let delete = try await app.request(.delete, "/v1/projects/\(world.project)", token: token)
            #expect(delete.status == (Self.projectAdmins.contains(actor) ? .noContent : actor == .outsider ? .notFound : .forbidden), "\(actor) delete")
        }
    }
}
