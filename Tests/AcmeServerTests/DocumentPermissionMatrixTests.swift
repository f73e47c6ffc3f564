import AcmeCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Every document, version and comment endpoint × every kind of caller → the expected status.
///
/// Callers as in `PermissionMatrixTests`: the org's owner and admin (admins of every project), an org member
/// and an org viewer who are not in the project (viewers of an org-visible project), a project editor and a
/// project viewer (org members), and a user of another org (404 everywhere).
///
/// Rules: viewers read; editors create and edit documents, restore versions and comment; project admins
/// delete and restore documents; a comment is edited or deleted by its author or a project admin.
@Suite struct DocumentPermissionMatrixTests {
    enum Actor: String, CaseIterable, Sendable {
        case owner, admin, member, viewer, editor, projectViewer, outsider
    }

    struct World: Sendable {
        var accounts: [Actor: TestApp.Account]
        var org: String
        var project: String
        /// A document at version 2 with a comment, for the read cases (created by the owner).
        var document: String
        /// Who writes "someone else's" comments: the first of these who is not the caller.
        var commenters: [Actor]

        var owner: TestApp.Account { accounts[.owner]! }

        func otherAuthor(than actor: Actor) -> TestApp.Account {
            accounts[commenters.first { $0 != actor }!]!
        }
    }

    /// One org with every kind of caller, another org for the outsider, and the project under test, created
    /// by the owner with `visibility`.
    ///
    /// Org-visible: the editor and the project viewer hold those roles in it. Private: they hold them in
    /// another (org-visible) project only, so they are not members of the private one.
    static func world(_ app: TestApp, visibility: String = "org") async throws -> World {
        var accounts: [Actor: TestApp.Account] = [:]
        for actor in Actor.allCases { accounts[actor] = try await app.signup(actor.rawValue.capitalized) }
        let owner = accounts[.owner]!
        let org = try await app.createOrg(owner)
        let roles: [(Actor, String)] = [(.admin, "admin"), (.member, "member"), (.viewer, "viewer"), (.editor, "member"), (.projectViewer, "member")]
        for (actor, role) in roles { try await app.addMember(accounts[actor]!, to: org, role: role, by: owner) }
        _ = try await app.createOrg(accounts[.outsider]!)

        let project = try await app.createProject(owner, in: org, key: "DOC", visibility: visibility)
        let rolesProject = visibility == "org" ? project : try await app.createProject(owner, in: org, key: "OTH")
        try await app.setProjectRole(accounts[.editor]!, in: rolesProject, role: "editor", by: owner)
        try await app.setProjectRole(accounts[.projectViewer]!, in: rolesProject, role: "viewer", by: owner)
        let commenters: [Actor] = visibility == "org" ? [.editor, .owner] : [.owner, .admin]

        let document = try await Self.createDocument(app, in: project, by: owner)
        try await Self.edit(app, document, by: owner, from: 1)
        _ = try await Self.comment(app, on: document, by: accounts[commenters[0]]!)
        return World(accounts: accounts, org: org, project: project, document: document, commenters: commenters)
    }

    // MARK: Fixtures (made by callers allowed to make them; `#require`d so a broken fixture is not a denial)

    static func createDocument(_ app: TestApp, in project: String, by user: TestApp.Account) async throws -> String {
        let response = try await app.request(
            .post, "/v1/projects/\(project)/documents", token: user.accessToken, json: ##"{"title":"Spec","body":"one\n"}"##)
        try #require(response.status == .created, "document creation failed: \(response.bodyString)")
        return try #require(try response.object()["id"] as? String)
    }

    /// Changes the body of a document at version `version` (making version + 1).
    static func edit(_ app: TestApp, _ document: String, by user: TestApp.Account, from version: Int) async throws {
        let response = try await app.request(
            .patch, "/v1/documents/\(document)", token: user.accessToken, json: ##"{"body":"one\ntwo\n"}"##,
            headers: [.ifMatch: "\"v\(version)\""])
        try #require(response.status == .ok, "document edit failed: \(response.bodyString)")
    }

    static func delete(_ app: TestApp, _ document: String, by user: TestApp.Account) async throws {
        let response = try await app.request(.delete, "/v1/documents/\(document)", token: user.accessToken)
        try #require(response.status == .noContent, "document deletion failed: \(response.bodyString)")
    }

    static func comment(_ app: TestApp, on document: String, by user: TestApp.Account) async throws -> String {
        let response = try await app.request(
            .post, "/v1/documents/\(document)/comments", token: user.accessToken, json: #"{"body":"first"}"#)
        try #require(response.status == .created, "comment creation failed: \(response.bodyString)")
        return try #require(try response.object()["id"] as? String)
    }

    /// The document as its owner (an admin of the project) sees it.
    static func ownerView(_ app: TestApp, _ world: World, _ document: String) async throws -> TestResponse {
        try await app.request(.get, "/v1/documents/\(document)", token: world.owner.accessToken)
    }

    /// The comments of a document as its owner sees them: id → body.
    static func comments(_ app: TestApp, _ world: World, on document: String) async throws -> [String: String] {
        let response = try await app.request(.get, "/v1/documents/\(document)/comments", token: world.owner.accessToken)
        try #require(response.status == .ok, "comment list failed: \(response.bodyString)")
        var result: [String: String] = [:]
        for item in try response.items() {
            if let id = item["id"] as? String { result[id] = item["body"] as? String }
        }
        return result
    }

    // MARK: Cases

    /// A request to make, and how to check the state it leaves (`allowed`: whether the caller was let through).
    struct Request {
        var path: String
        var body: String? = nil
        var headers: HTTPFields = [:]
        var verify: (@Sendable (TestApp, _ allowed: Bool) async throws -> Void)? = nil
    }

    struct Case: Sendable {
        var name: String
        var method: HTTPRequest.Method
        /// Absent actors are not asked (the case needs something they cannot have, such as their own comment).
        var expected: [Actor: HTTPResponse.Status]
        /// Whether the fixture is made by the caller (who must therefore be able to see the project).
        var madeByCaller = false
        var prepare: @Sendable (TestApp, World, Actor) async throws -> Request
    }

    static func row(_ allowed: HTTPResponse.Status, for actors: Set<Actor>, otherwise denied: HTTPResponse.Status = .forbidden) -> [Actor: HTTPResponse.Status] {
        var result: [Actor: HTTPResponse.Status] = [:]
        for actor in Actor.allCases {
            result[actor] = actor == .outsider ? .notFound : (actors.contains(actor) ? allowed : denied)
        }
        return result
    }

    /// `allowed` for exactly `actors`; the others are not asked.
    static func only(_ allowed: HTTPResponse.Status, for actors: Set<Actor>) -> [Actor: HTTPResponse.Status] {
        Dictionary(uniqueKeysWithValues: actors.map { ($0, allowed) })
    }

    static let readers: Set<Actor> = [.owner, .admin, .member, .viewer, .editor, .projectViewer]
    static let editors: Set<Actor> = [.owner, .admin, .editor]
    static let projectAdmins: Set<Actor> = [.owner, .admin]

    static let cases: [Case] = [
        // Documents
        Case(name: "list documents", method: .get, expected: row(.ok, for: readers)) { _, world, _ in
            Request(path: "/v1/projects/\(world.project)/documents")
        },
        Case(name: "create document", method: .post, expected: row(.created, for: editors)) { _, world, actor in
            let title = "Created by \(actor.rawValue)"
            let project = world.project
            return Request(path: "/v1/projects/\(project)/documents", body: #"{"title":"\#(title)","body":"x"}"#) { app, allowed in
                let list = try await app.request(.get, "/v1/projects/\(project)/documents", token: world.owner.accessToken)
                let titles = try list.items().compactMap { $0["title"] as? String }
                #expect(titles.contains(title) == allowed, "\(actor) create document: \(titles)")
            }
        },
        Case(name: "get document", method: .get, expected: row(.ok, for: readers)) { _, world, _ in
            Request(path: "/v1/documents/\(world.document)")
        },
        Case(name: "update document", method: .patch, expected: row(.ok, for: editors)) { app, world, actor in
            let document = try await Self.createDocument(app, in: world.project, by: world.owner)
            return Request(path: "/v1/documents/\(document)", body: #"{"title":"Edited"}"#, headers: [.ifMatch: "\"v1\""]) { app, allowed in
                let view = try await Self.ownerView(app, world, document)
                #expect(view.headers[.eTag] == (allowed ? "\"v2\"" : "\"v1\""), "\(actor) update document: \(view.bodyString)")
            }
        },
        Case(name: "delete document", method: .delete, expected: row(.noContent, for: projectAdmins)) { app, world, actor in
            let document = try await Self.createDocument(app, in: world.project, by: world.owner)
            return Request(path: "/v1/documents/\(document)") { app, allowed in
                let view = try await Self.ownerView(app, world, document)
                #expect(view.status == (allowed ? .gone : .ok), "\(actor) delete document: \(view.bodyString)")
            }
        },
        Case(name: "restore document", method: .post, expected: row(.ok, for: projectAdmins)) { app, world, actor in
            let document = try await Self.createDocument(app, in: world.project, by: world.owner)
            try await Self.delete(app, document, by: world.owner)
            return Request(path: "/v1/documents/\(document)/restore") { app, allowed in
                let view = try await Self.ownerView(app, world, document)
                #expect(view.status == (allowed ? .ok : .gone), "\(actor) restore document: \(view.bodyString)")
            }
        },
        // Versions
        Case(name: "list versions", method: .get, expected: row(.ok, for: readers)) { _, world, _ in
            Request(path: "/v1/documents/\(world.document)/versions")
        },
        Case(name: "get version", method: .get, expected: row(.ok, for: readers)) { _, world, _ in
            Request(path: "/v1/documents/\(world.document)/versions/1")
        },
        Case(name: "restore version", method: .post, expected: row(.ok, for: editors)) { app, world, actor in
            let document = try await Self.createDocument(app, in: world.project, by: world.owner)
            try await Self.edit(app, document, by: world.owner, from: 1)
            return Request(path: "/v1/documents/\(document)/versions/1/restore") { app, allowed in
                let view = try await Self.ownerView(app, world, document)
                #expect(view.headers[.eTag] == (allowed ? "\"v3\"" : "\"v2\""), "\(actor) restore version: \(view.bodyString)")
            }
        },
        // Comments
        Case(name: "list comments", method: .get, expected: row(.ok, for: readers)) { _, world, _ in
            Request(path: "/v1/documents/\(world.document)/comments")
        },
        Case(name: "create comment", method: .post, expected: row(.created, for: editors)) { app, world, actor in
            let document = try await Self.createDocument(app, in: world.project, by: world.owner)
            return Request(path: "/v1/documents/\(document)/comments", body: #"{"body":"hello"}"#) { app, allowed in
                let comments = try await Self.comments(app, world, on: document)
                #expect(comments.count == (allowed ? 1 : 0), "\(actor) create comment: \(comments)")
            }
        },
        Case(name: "edit someone else's comment", method: .patch, expected: row(.ok, for: projectAdmins)) { app, world, actor in
            try await Self.commentChange(app, world, actor, author: world.otherAuthor(than: actor), deleting: false)
        },
        Case(name: "delete someone else's comment", method: .delete, expected: row(.noContent, for: projectAdmins)) { app, world, actor in
            try await Self.commentChange(app, world, actor, author: world.otherAuthor(than: actor), deleting: true)
        },
        Case(name: "edit own comment", method: .patch, expected: only(.ok, for: editors), madeByCaller: true) { app, world, actor in
            try await Self.commentChange(app, world, actor, author: world.accounts[actor]!, deleting: false)
        },
        Case(name: "delete own comment", method: .delete, expected: only(.noContent, for: editors), madeByCaller: true) { app, world, actor in
            try await Self.commentChange(app, world, actor, author: world.accounts[actor]!, deleting: true)
        },
    ]

    /// A PATCH or DELETE of a fresh comment by `author` on a fresh document.
    static func commentChange(_ app: TestApp, _ world: World, _ actor: Actor, author: TestApp.Account, deleting: Bool) async throws -> Request {
        let document = try await Self.createDocument(app, in: world.project, by: world.owner)
        let comment = try await Self.comment(app, on: document, by: author)
        return Request(path: "/v1/comments/\(comment)", body: deleting ? nil : #"{"body":"edited"}"#) { app, allowed in
            let comments = try await Self.comments(app, world, on: document)
            if deleting {
                #expect((comments[comment] == nil) == allowed, "\(actor) delete comment: \(comments)")
            } else {
                #expect(comments[comment] == (allowed ? "edited" : "first"), "\(actor) edit comment: \(comments)")
            }
        }
    }

    /// Runs every case for `actor`, with the expected status `expected(case)` (nil: skip the case).
    static func check(_ app: TestApp, _ world: World, _ actor: Actor, expected: (Case) -> HTTPResponse.Status?) async throws {
        let token = world.accounts[actor]!.accessToken
        for entry in Self.cases {
            guard let status = expected(entry) else { continue }
            let request = try await entry.prepare(app, world, actor)
            let response = try await app.request(entry.method, request.path, token: token, json: request.body, headers: request.headers)
            #expect(response.status == status, "\(actor) \(entry.name) (\(entry.method) \(request.path)): got \(response.status.code): \(response.bodyString)")
            if status.code >= 400 {
                #expect(response.headers[.contentType] == "application/problem+json", "\(actor) \(entry.name): \(response.headers)")
            }
            try await request.verify?(app, (200..<300).contains(Int(status.code)))
        }
    }

    @Test(arguments: Actor.allCases)
    func documentEndpoints(actor: Actor) async throws {
        try await TestApp.run { app in
            let world = try await Self.world(app)
            try await Self.check(app, world, actor) { $0.expected[actor] }
        }
    }

    /// A private project: invisible (404 on every endpoint) to org members and viewers who are not its
    /// members, including an editor of another project; org admins are admins of it all the same.
    @Test(arguments: [Actor.admin, .member, .viewer, .editor])
    func privateProjectDocumentEndpoints(actor: Actor) async throws {
        try await TestApp.run { app in
            let world = try await Self.world(app, visibility: "private")
            let hidden: Set<Actor> = [.member, .viewer, .editor, .projectViewer, .outsider]
            try await Self.check(app, world, actor) { entry in
                guard let status = entry.expected[actor] else { return nil }
                guard hidden.contains(actor) else { return status }
                return entry.madeByCaller ? nil : .notFound
            }
        }
    }
}
