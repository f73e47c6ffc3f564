import AcmeCore
import Foundation
import HTTPTypes
import Testing

/// `GET /v1/orgs/{orgId}/search` end to end: the services' events reach the index through the event log, and
/// the route applies org roles, project visibility, filters and validation.
@Suite struct SearchRouteTests {
    typealias Team = DocumentTests.Team

    /// Searches as `user` until `done` holds for the response (the index follows events asynchronously) or
    /// 10 s pass; returns the last response's JSON.
    static func search(
        _ app: TestApp, _ org: String, _ query: String, as user: TestApp.Account, until done: ([String: Any]) -> Bool = { _ in true }
    ) async throws -> [String: Any] {
        let path = "/v1/orgs/\(org)/search?" + query
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let response = try await app.request(.get, path, token: user.accessToken)
            try #require(response.status == .ok, "\(path): \(response.status.code) \(response.bodyString)")
            let json = try response.object()
            if done(json) || ContinuousClock.now > deadline { return json }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func total(_ json: [String: Any]) -> Int { json["total"] as? Int ?? -1 }
    static func ids(_ json: [String: Any]) -> [String] { (json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }

    @Test func findsWhatEachCallerMaySeeAndFollowsChanges() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let secret = try await app.createProject(team.admin, in: team.org, key: "SEC", name: "Hangar", visibility: "private")
            let open = try #require(try await DocumentTests.create(
                app, in: team.project, by: team.editor, title: "Zeppelin handbook", body: "How to <b>fly</b> a zeppelin safely.",
                tags: ["airship"])["id"] as? String)
            let hidden = try #require(try await DocumentTests.create(app, in: secret, by: team.admin, title: "Zeppelin secret plans", body: "x")["id"] as? String)

            let admin = try await Self.search(app, team.org, "q=zeppelin", as: team.admin) { Self.total($0) == 2 }
            #expect(Set(Self.ids(admin)) == [open, hidden])
            let first = try #require((admin["items"] as? [[String: Any]])?.first { $0["id"] as? String == open })
            #expect(first["type"] as? String == "document")
            #expect(first["projectId"] as? String == team.project)
            #expect(first["title"] as? String == "Zeppelin handbook")
            #expect((first["snippet"] as? String)?.contains("&lt;b&gt;fly&lt;/b&gt; a <mark>zeppelin</mark>") == true, "\(first)")
            #expect(first["updatedAt"] is String && first["score"] is Double)
            #expect(admin["tookMs"] is Double)
            #expect((admin["facets"] as? [String: Any])?["type"] as? [String: Int] == ["document": 2])

            // A member outside the private project sees only the open document, and the totals say so.
            let viewer = try await Self.search(app, team.org, "q=zeppelin", as: team.viewer)
            #expect(Self.ids(viewer) == [open])
            #expect(Self.total(viewer) == 1)
            // Projects and people are searchable too.
            let project = try await Self.search(app, team.org, "q=hangar&type=project", as: team.admin) { Self.total($0) == 1 }
            #expect(Self.ids(project) == [secret])
            #expect(Self.total(try await Self.search(app, team.org, "q=hangar", as: team.viewer)) == 0)
            let people = try await Self.search(app, team.org, "q=vic&type=user", as: team.editor) { Self.total($0) == 1 }
            #expect(Self.ids(people) == [team.viewer.id])

            // Someone from another org cannot even tell the org exists.
            let outsider = try await app.signup("Out")
            _ = try await app.createOrg(outsider)
            try await app.request(.get, "/v1/orgs/\(team.org)/search?q=zeppelin", token: outsider.accessToken).expectProblem(.notFound)

            // A deleted document leaves the index.
            let deleted = try await app.request(.delete, "/v1/documents/\(open)", token: team.admin.accessToken)
            #expect(deleted.status == .noContent)
            let after = try await Self.search(app, team.org, "q=zeppelin", as: team.admin) { Self.total($0) == 1 }
            #expect(Self.ids(after) == [hidden])
            // Typos still find it, flagged as a fuzzy result.
            let typo = try await Self.search(app, team.org, "q=zepelin", as: team.admin)
            #expect(Self.ids(typo) == [hidden])
            #expect(typo["fuzzy"] as? Bool == true)
        }
    }

    @Test func cursorsPageThroughEveryHitOnce() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            for n in 0..<5 {
                _ = try await DocumentTests.create(app, in: team.project, by: team.editor, title: "Albatross \(n)", body: "albatross")
            }
            _ = try await Self.search(app, team.org, "q=albatross", as: team.editor) { Self.total($0) == 5 }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let query = "q=albatross&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await Self.search(app, team.org, query, as: team.editor)
                seen += Self.ids(page)
                cursor = page["nextCursor"] as? String
            } while cursor != nil && seen.count < 10
            #expect(seen.count == 5)
            #expect(Set(seen).count == 5)
            // A cursor belongs to its search.
            let page = try await Self.search(app, team.org, "q=albatross&limit=2", as: team.editor)
            let next = try #require(page["nextCursor"] as? String)
            let path = "/v1/orgs/\(team.org)/search?q=heron&limit=2&cursor=\(next)"
            #expect(try await app.request(.get, path, token: team.editor.accessToken).errorFields() == ["cursor"])
        }
    }

    /// Typo-tolerant results page like exact ones, and a retry that finds nothing the caller may see is not
    /// reported as fuzzy: the flag must not tell that some other org has indexed a word one edit away.
    @Test func fuzzyResultsPageAndRevealNoOtherOrgsWords() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            for n in 0..<3 {
                _ = try await DocumentTests.create(app, in: team.project, by: team.editor, title: "Pelican \(n)", body: "pelican")
            }
            let outsider = try await app.signup("Out")
            let otherOrg = try await app.createOrg(outsider)
            let otherProject = try await app.createProject(outsider, in: otherOrg, key: "OTH", name: "Other", visibility: "org")
            _ = try await DocumentTests.create(app, in: otherProject, by: outsider, title: "Kestrel", body: "kestrel")
            _ = try await Self.search(app, team.org, "q=pelican", as: team.editor) { Self.total($0) == 3 }
            _ = try await Self.search(app, otherOrg, "q=kestrel", as: outsider) { Self.total($0) == 1 }

            let first = try await Self.search(app, team.org, "q=pelicon&limit=2", as: team.editor)
            #expect(first["fuzzy"] as? Bool == true)
            #expect(Self.ids(first).count == 2 && Self.total(first) == 3)
            let cursor = try #require(first["nextCursor"] as? String)
            let second = try await Self.search(app, team.org, "q=pelicon&limit=2&cursor=\(cursor)", as: team.editor)
            #expect(Self.ids(second).count == 1 && second["fuzzy"] as? Bool == true)
            #expect(Set(Self.ids(first) + Self.ids(second)).count == 3)

            let elsewhere = try await Self.search(app, team.org, "q=kestrex", as: team.editor)
            #expect(Self.total(elsewhere) == 0)
            #expect(elsewhere["fuzzy"] as? Bool == false)
        }
    }

    /// One character may hold hundreds of combining marks: `q` is short in characters yet its word is longer in
    /// bytes than a PostgreSQL lexeme may be. It searches (as a prefix cut to size) instead of failing.
    @Test func aWordOfOneHugeCharacterSearches() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let huge = "a" + String(repeating: "\u{11002}", count: 511)
            let query = try #require(huge.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let response = try await app.request(.get, "/v1/orgs/\(team.org)/search?q=\(query)", token: team.editor.accessToken)
            #expect(response.status == .ok, "\(response.status): \(response.bodyString)")
        }
    }

    @Test func badParametersAreProblemsThatNameThem() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let base = "/v1/orgs/\(team.org)/search"
            let cases: [(String, Set<String>)] = [
                ("", ["q"]), ("?q=%20%20", ["q"]), ("?q=" + String(repeating: "a", count: 513), ["q"]), ("?q=-only", ["q"]),
                ("?q=x&type=document,bogus", ["type"]), ("?q=x&projectId=nope", ["projectId"]), ("?q=x&author=nope", ["author"]),
                ("?q=x&tag=no%20spaces", ["tag"]), ("?q=x&updatedAfter=yesterday", ["updatedAfter"]),
                ("?q=x&updatedAfter=2026-02-01T00:00:00Z&updatedBefore=2026-01-01T00:00:00Z", ["updatedBefore"]),
                ("?q=x&limit=0", ["limit"]), ("?q=x&limit=101", ["limit"]), ("?q=x&cursor=garbage", ["cursor"]),
                ("?limit=0&type=x", ["q", "limit", "type"]),
            ]
            for (query, fields) in cases {
                let response = try await app.request(.get, base + query, token: team.editor.accessToken)
                try response.expectProblem(.badRequest)
                #expect(try response.errorFields() == fields, "\(query)")
            }
            try await app.request(.get, base + "?q=x").expectProblem(.unauthorized)
            try await app.request(.get, "/v1/orgs/org_00000000000000000000000000/search?q=x", token: team.editor.accessToken).expectProblem(.notFound)
            try await app.request(.get, "/v1/orgs/not-an-id/search?q=x", token: team.editor.accessToken).expectProblem(.notFound)
        }
    }

    @Test func randomQueriesNeverCauseServerErrors() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            _ = try await DocumentTests.create(app, in: team.project, by: team.editor, title: "Fuzz target", body: "AND OR NOT \"x\" (y) z* café 😀")
            let alphabet = Array("aé\"'()*-:^ORANDNOTNEAR{}[]\\😀x1 %&+#")
            var random = SystemRandomNumberGenerator()
            for _ in 0..<200 {
                let text = String((0..<Int.random(in: 0...30, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
                let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let response = try await app.request(.get, "/v1/orgs/\(team.org)/search?q=\(encoded)", token: team.editor.accessToken)
                #expect(response.status == .ok || response.status == .badRequest, "q=\(text): \(response.status.code) \(response.bodyString)")
            }
        }
    }

    @Test func tokensSearchOnlyWhatTheirScopesRead() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            _ = try await DocumentTests.create(app, in: team.project, by: team.editor, title: "Pelican", body: "x")
            _ = try await Self.search(app, team.org, "q=pelican", as: team.editor) { Self.total($0) == 1 }
            func token(_ scopes: [String]) async throws -> String {
                let created = try await app.request(
                    .post, "/v1/auth/tokens", token: team.editor.accessToken, body: ["name": "ci", "scopes": AnyEncodable(scopes)] as [String: AnyEncodable])
                return try #require(try created.object()["token"] as? String)
            }
            let projectsOnly = try await token(["projects:read"])
            let response = try await app.request(.get, "/v1/orgs/\(team.org)/search?q=pelican", token: projectsOnly)
            #expect(try response.object()["total"] as? Int == 0)
            try await app.request(.get, "/v1/orgs/\(team.org)/search?q=pelican&type=document", token: projectsOnly).expectProblem(.forbidden)
            let reader = try await token(["documents:read"])
            #expect(try await app.request(.get, "/v1/orgs/\(team.org)/search?q=pelican", token: reader).object()["total"] as? Int == 1)
            // A narrowed search still pages with its cursor.
            _ = try await DocumentTests.create(app, in: team.project, by: team.editor, title: "Pelican two", body: "x")
            _ = try await Self.search(app, team.org, "q=pelican", as: team.editor) { Self.total($0) == 2 }
            let first = try await app.request(.get, "/v1/orgs/\(team.org)/search?q=pelican&limit=1", token: reader).object()
            let cursor = try #require(first["nextCursor"] as? String)
            let second = try await app.request(.get, "/v1/orgs/\(team.org)/search?q=pelican&limit=1&cursor=\(cursor)", token: reader)
            #expect(second.status == .ok, "\(second.bodyString)")
        }
    }
}
