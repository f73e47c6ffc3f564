import AcmeCore
import AcmeEvents
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The Document service through HTTP: documents, their versions and comments, and who may touch them.
@Suite struct DocumentTests {
    /// An org with one project: its owner (admin of every project), an editor and a viewer.
    struct Team: Sendable {
        var admin: TestApp.Account
        var editor: TestApp.Account
        var viewer: TestApp.Account
        var org: String
        var project: String

        static func make(_ app: TestApp, visibility: String = "org") async throws -> Team {
            let admin = try await app.signup("Ann")
            let editor = try await app.signup("Ed")
            let viewer = try await app.signup("Vic")
            let org = try await app.createOrg(admin)
            try await app.addMember(editor, to: org, role: "member", by: admin)
            try await app.addMember(viewer, to: org, role: "member", by: admin)
            let project = try await app.createProject(admin, in: org, key: "DOC", visibility: visibility)
            try await app.setProjectRole(editor, in: project, role: "editor", by: admin)
            try await app.setProjectRole(viewer, in: project, role: "viewer", by: admin)
            return Team(admin: admin, editor: editor, viewer: viewer, org: org, project: project)
        }
    }

    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// Creates a document and returns its JSON.
    static func create(
        _ app: TestApp, in project: String, by user: TestApp.Account, title: String = "Spec", body: String = "",
        tags: [String]? = nil
    ) async throws -> [String: Any] {
        var fields: [String: Any] = ["title": title, "body": body]
        if let tags { fields["tags"] = tags }
        let response = try await app.request(.post, "/v1/projects/\(project)/documents", token: user.accessToken, json: try json(fields))
        try #require(response.status == .created, "document creation failed: \(response.bodyString)")
        return try response.object()
    }

    static func patch(_ app: TestApp, _ id: String, by user: TestApp.Account, _ fields: [String: Any], ifMatch: String) async throws -> TestResponse {
        try await app.request(.patch, "/v1/documents/\(id)", token: user.accessToken, json: try json(fields), headers: [.ifMatch: ifMatch])
    }

    // MARK: Documents

    @Test func createUsesTheProjectsDefaultTagsAndGetHonoursIfNoneMatch() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let settings = try await app.request(
                .patch, "/v1/projects/\(team.project)/settings", token: team.admin.accessToken, json: #"{"defaultDocumentTags":["spec","draft"]}"#)
            #expect(settings.status == .ok)

            let created = try await app.request(
                .post, "/v1/projects/\(team.project)/documents", token: team.editor.accessToken, json: ##"{"title":"  Design  ","body":"# Hello\n"}"##)
            #expect(created.status == .created)
            #expect(created.headers[.eTag] == "\"v1\"")
            let doc = try created.object()
            let id = try #require(doc["id"] as? String)
            #expect(id.hasPrefix("doc_"))
            #expect(doc["title"] as? String == "Design")
            #expect(doc["body"] as? String == "# Hello\n")
            #expect(doc["tags"] as? [String] == ["spec", "draft"])
            #expect(doc["version"] as? Int == 1)
            #expect(doc["size"] as? Int == 8)
            #expect(doc["projectId"] as? String == team.project)
            #expect(doc["orgId"] as? String == team.org)
            #expect(doc["createdBy"] as? String == team.editor.id)
            #expect(doc["updatedBy"] as? String == team.editor.id)
            #expect(doc["createdAt"] is String && doc["updatedAt"] is String)
            #expect(doc["deletedAt"] == nil)

            // Empty tags take the defaults too; given tags are trimmed, lowercased and de-duplicated.
            #expect(try await Self.create(app, in: team.project, by: team.editor, tags: [])["tags"] as? [String] == ["spec", "draft"])
            #expect(try await Self.create(app, in: team.project, by: team.editor, tags: [" Alpha", "alpha", "BETA"])["tags"] as? [String] == ["alpha", "beta"])

            let got = try await app.request(.get, "/v1/documents/\(id)", token: team.viewer.accessToken)
            #expect(got.status == .ok)
            #expect(got.headers[.eTag] == "\"v1\"")
            #expect(try got.object()["body"] as? String == "# Hello\n")
            #expect(got.headers[.contentType] == "application/json; charset=utf-8")
            // Reads are served from the process's cache after the first; they must not differ.
            let again = try await app.request(.get, "/v1/documents/\(id)", token: team.viewer.accessToken)
            #expect(again.bodyString == got.bodyString)
            #expect(try again.object()["title"] as? String == "Design")
            let fresh = try await app.request(.get, "/v1/documents/\(id)", token: team.viewer.accessToken, headers: [.ifNoneMatch: "\"v1\""])
            #expect(fresh.status == .notModified)
            #expect(fresh.headers[.eTag] == "\"v1\"")
            #expect(fresh.body.readableBytes == 0)
            let stale = try await app.request(.get, "/v1/documents/\(id)", token: team.viewer.accessToken, headers: [.ifNoneMatch: "\"v0\""])
            #expect(stale.status == .ok)

            try await app.request(.get, "/v1/documents/doc_01JD0000000000000000000000", token: team.admin.accessToken).expectProblem(.notFound)
            try await app.request(.get, "/v1/documents/not-an-id", token: team.admin.accessToken).expectProblem(.notFound)
            try await app.request(.get, "/v1/documents/\(id)").expectProblem(.unauthorized)
        }
    }

    @Test func invalidDocumentsAreRejectedFieldByField() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let path = "/v1/projects/\(team.project)/documents"
            let token = team.editor.accessToken
            let bad = try await app.request(.post, path, token: token, json: #"{"title":"   ","body":"x","tags":["ok","not ok!"]}"#)
            try bad.expectProblem(.unprocessableContent)
            #expect(try bad.errorFields() == ["title", "tags[1]"])
            let long = try await app.request(.post, path, token: token, body: ["title": String(repeating: "t", count: 201), "body": ""])
            #expect(try long.errorFields() == ["title"])
            let many = try await app.request(.post, path, token: token, json: try Self.json(["title": "x", "body": "", "tags": (0..<21).map { "t\($0)" }]))
            #expect(try many.errorFields() == ["tags"])
            let unknown = try await app.request(.post, path, token: token, json: #"{"title":"x","body":"","owner":"me"}"#)
            try unknown.expectProblem(.unprocessableContent)
            #expect(try unknown.errorFields() == ["owner"])
            #expect(try await app.request(.post, path, token: token, json: #"{"title":"x","body":5}"#).errorFields() == ["body"])
            #expect(try await app.request(.post, path, token: token, json: #"{"title":"x"}"#).errorFields() == ["body"])
            try await app.request(.post, path, token: token, json: #"{"title":"x","#).expectProblem(.badRequest)
            // NUL fits in JSON but in no text column: refused the same way on both backends.
            let nul = try await app.request(.post, path, token: token, json: #"{"title":"x","body":"a\u0000b"}"#)
            try nul.expectProblem(.unprocessableContent)
            #expect(try nul.errorFields() == ["body"])

            let id = try #require(try await Self.create(app, in: team.project, by: team.editor)["id"] as? String)
            let nulPatch = try await Self.patch(app, id, by: team.editor, ["body": "a\u{0}b"], ifMatch: "\"v1\"")
            #expect(try nulPatch.errorFields() == ["body"])
            let nulComment = try await app.request(.post, "/v1/documents/\(id)/comments", token: token, json: #"{"body":"a\u0000b"}"#)
            #expect(try nulComment.errorFields() == ["body"])
            let nullTitle = try await app.request(.patch, "/v1/documents/\(id)", token: token, json: #"{"title":null}"#, headers: [.ifMatch: "\"v1\""])
            #expect(try nullTitle.errorFields() == ["title"])
            let badPatch = try await Self.patch(app, id, by: team.editor, ["title": "", "tags": ["#"], "color": "red"], ifMatch: "\"v1\"")
            #expect(try badPatch.errorFields() == ["color"])
            let badValues = try await Self.patch(app, id, by: team.editor, ["title": "", "tags": ["#"]], ifMatch: "\"v1\"")
            #expect(try badValues.errorFields() == ["title", "tags[0]"])
        }
    }

    @Test func patchRequiresIfMatchAndEveryChangeIsAVersionWithDiffStats() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let id = try #require(try await Self.create(app, in: team.project, by: team.editor, title: "Plan", body: "one\ntwo\nthree\n", tags: ["a"])["id"] as? String)
            let path = "/v1/documents/\(id)"

            try await app.request(.patch, path, token: team.editor.accessToken, json: #"{"title":"New"}"#).expectProblem(.preconditionRequired)
            try await Self.patch(app, id, by: team.editor, ["title": "New"], ifMatch: "\"v7\"").expectProblem(.preconditionFailed)
            try await Self.patch(app, id, by: team.viewer, ["title": "New"], ifMatch: "\"v1\"").expectProblem(.forbidden)

            #expect(try await app.request(.get, path, token: team.viewer.accessToken).headers[.eTag] == "\"v1\"")
            let first = try await Self.patch(app, id, by: team.editor, ["body": "one\nTWO\nthree\nfour\n"], ifMatch: "\"v1\"")
            #expect(first.status == .ok)
            let reread = try await app.request(.get, path, token: team.viewer.accessToken)
            #expect(reread.headers[.eTag] == "\"v2\"")
            #expect(try reread.object()["body"] as? String == "one\nTWO\nthree\nfour\n")
            #expect(first.headers[.eTag] == "\"v2\"")
            #expect(try first.object()["version"] as? Int == 2)
            #expect(try first.object()["size"] as? Int == 19)
            let second = try await Self.patch(app, id, by: team.admin, ["title": "Renamed", "tags": ["B", "c"]], ifMatch: "\"v2\"")
            #expect(second.headers[.eTag] == "\"v3\"")
            let doc = try second.object()
            #expect(doc["title"] as? String == "Renamed")
            #expect(doc["tags"] as? [String] == ["b", "c"])
            #expect(doc["body"] as? String == "one\nTWO\nthree\nfour\n")
            #expect(doc["updatedBy"] as? String == team.admin.id)
            #expect(doc["createdBy"] as? String == team.editor.id)

            // Sending what is already there changes nothing: same version, no new history entry.
            let same = try await Self.patch(app, id, by: team.editor, ["title": "Renamed", "tags": ["b", "c"]], ifMatch: "\"v3\"")
            #expect(same.status == .ok)
            #expect(same.headers[.eTag] == "\"v3\"")
            // `*` matches whatever the current version is.
            let star = try await Self.patch(app, id, by: team.editor, ["body": "one\nthree\n"], ifMatch: "*")
            #expect(star.headers[.eTag] == "\"v4\"")

            let versions = try await app.request(.get, "\(path)/versions", token: team.viewer.accessToken).items()
            #expect(versions.map { $0["version"] as? Int } == [4, 3, 2, 1])
            #expect(versions.allSatisfy { $0["body"] == nil })
            let stats = versions.map { [$0["addedLines"] as? Int, $0["removedLines"] as? Int] }
            #expect(stats == [[0, 2], [0, 0], [2, 1], [3, 0]])
            #expect(versions.map { $0["titleChanged"] as? Bool } == [false, true, false, false])
            #expect(versions.map { $0["tagsChanged"] as? Bool } == [false, true, false, false])
            #expect(versions.map { $0["change"] as? String } == ["updated", "updated", "updated", "created"])
            #expect(versions.map { $0["authorId"] as? String } == [team.editor.id, team.admin.id, team.editor.id, team.editor.id])
        }
    }

    @Test func concurrentPatchesWithTheSameETagHaveExactlyOneWinner() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let id = try #require(try await Self.create(app, in: team.project, by: team.editor, body: "start")["id"] as? String)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for writer in 0..<10 {
                    group.addTask {
                        try await Self.patch(app, id, by: team.editor, ["body": "writer \(writer)"], ifMatch: "\"v1\"").status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .preconditionFailed }.count == 9)
            let doc = try await app.request(.get, "/v1/documents/\(id)", token: team.editor.accessToken)
            #expect(doc.headers[.eTag] == "\"v2\"")
            #expect((try doc.object()["body"] as? String)?.hasPrefix("writer ") == true)
            #expect(try await app.request(.get, "/v1/documents/\(id)/versions", token: team.editor.accessToken).items().count == 2)
        }
    }

    @Test func deletedDocumentsAreGoneUntilAnAdminRestoresThem() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let id = try #require(try await Self.create(app, in: team.project, by: team.editor, body: "text")["id"] as? String)
            let path = "/v1/documents/\(id)"

            try await app.request(.delete, path, token: team.editor.accessToken).expectProblem(.forbidden)
            #expect(try await app.request(.delete, path, token: team.admin.accessToken).status == .noContent)

            let gone = try await app.request(.get, path, token: team.viewer.accessToken).expectProblem(.gone)
            #expect((gone["detail"] as? String)?.contains("restore") == true)
            try await Self.patch(app, id, by: team.editor, ["title": "x"], ifMatch: "\"v2\"").expectProblem(.gone)
            try await app.request(.post, "\(path)/comments", token: team.editor.accessToken, json: #"{"body":"hi"}"#).expectProblem(.gone)
            try await app.request(.get, "\(path)/comments", token: team.editor.accessToken).expectProblem(.gone)
            try await app.request(.get, "\(path)/versions", token: team.editor.accessToken).expectProblem(.gone)
            try await app.request(.post, "\(path)/versions/1/restore", token: team.editor.accessToken).expectProblem(.gone)
            try await app.request(.delete, path, token: team.admin.accessToken).expectProblem(.gone)
            #expect(try await app.request(.get, "/v1/projects/\(team.project)/documents", token: team.admin.accessToken).items().isEmpty)

            try await app.request(.post, "\(path)/restore", token: team.editor.accessToken).expectProblem(.forbidden)
            let restored = try await app.request(.post, "\(path)/restore", token: team.admin.accessToken)
            #expect(restored.status == .ok)
            #expect(restored.headers[.eTag] == "\"v3\"")
            let doc = try restored.object()
            #expect(doc["version"] as? Int == 3)
            #expect(doc["body"] as? String == "text")
            #expect(doc["deletedAt"] == nil)
            try await app.request(.post, "\(path)/restore", token: team.admin.accessToken).expectProblem(.conflict)

            #expect(try await app.request(.get, path, token: team.viewer.accessToken).status == .ok)
            #expect(try await app.request(.get, "/v1/projects/\(team.project)/documents", token: team.admin.accessToken).items().count == 1)
            let versions = try await app.request(.get, "\(path)/versions", token: team.viewer.accessToken).items()
            #expect(versions.map { $0["change"] as? String } == ["restored", "deleted", "created"])
            #expect(versions.map { $0["authorId"] as? String } == [team.admin.id, team.admin.id, team.editor.id])
            // Deletion and restore store no new content: their versions read the original body.
            let deletedVersion = try await app.request(.get, "\(path)/versions/2", token: team.viewer.accessToken).object()
            #expect(deletedVersion["body"] as? String == "text")
        }
    }

    @Test func versionsAreListedReadAndRestorable() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let id = try #require(try await Self.create(app, in: team.project, by: team.editor, title: "T1", body: "a\nb\nc\n", tags: ["one"])["id"] as? String)
            let path = "/v1/documents/\(id)"
            #expect(try await Self.patch(app, id, by: team.editor, ["body": "a\nc\n"], ifMatch: "\"v1\"").status == .ok)
            #expect(try await Self.patch(app, id, by: team.editor, ["title": "T3"], ifMatch: "\"v2\"").status == .ok)

            let first = try await app.request(.get, "\(path)/versions?limit=2", token: team.viewer.accessToken)
            #expect(try first.items().map { $0["version"] as? Int } == [3, 2])
            let cursor = try #require(try first.object()["nextCursor"] as? String)
            let second = try await app.request(.get, "\(path)/versions?limit=2&cursor=\(cursor)", token: team.viewer.accessToken)
            #expect(try second.items().map { $0["version"] as? Int } == [1])
            #expect(try second.object()["nextCursor"] is NSNull)
            try await app.request(.get, "\(path)/versions?cursor=nonsense", token: team.viewer.accessToken).expectProblem(.badRequest)

            let v3 = try await app.request(.get, "\(path)/versions/3", token: team.viewer.accessToken).object()
            #expect(v3["title"] as? String == "T3")
            #expect(v3["body"] as? String == "a\nc\n")
            #expect(v3["titleChanged"] as? Bool == true)
            let v2 = try await app.request(.get, "\(path)/versions/2", token: team.viewer.accessToken).object()
            #expect(v2["addedLines"] as? Int == 0)
            #expect(v2["removedLines"] as? Int == 1)
            let v1 = try await app.request(.get, "\(path)/versions/1", token: team.viewer.accessToken).object()
            #expect(v1["body"] as? String == "a\nb\nc\n")
            #expect(v1["title"] as? String == "T1")
            #expect(v1["tags"] as? [String] == ["one"])
            #expect(v1["change"] as? String == "created")
            for bad in ["0", "-1", "abc", "4", "1.5", "99999999999999999999"] {
                try await app.request(.get, "\(path)/versions/\(bad)", token: team.viewer.accessToken).expectProblem(.notFound)
            }

            try await app.request(.post, "\(path)/versions/1/restore", token: team.viewer.accessToken).expectProblem(.forbidden)
            try await app.request(.post, "\(path)/versions/9/restore", token: team.editor.accessToken).expectProblem(.notFound)
            let restored = try await app.request(.post, "\(path)/versions/1/restore", token: team.editor.accessToken)
            #expect(restored.status == .ok)
            #expect(restored.headers[.eTag] == "\"v4\"")
            let doc = try restored.object()
            #expect(doc["title"] as? String == "T1")
            #expect(doc["body"] as? String == "a\nb\nc\n")
            #expect(doc["tags"] as? [String] == ["one"])
            let v4 = try await app.request(.get, "\(path)/versions/4", token: team.viewer.accessToken).object()
            #expect(v4["restoredFrom"] as? Int == 1)
            #expect(v4["addedLines"] as? Int == 1)
            #expect(v4["removedLines"] as? Int == 0)
            #expect(v4["titleChanged"] as? Bool == true)
            #expect(v4["tagsChanged"] as? Bool == false)
            #expect(v4["body"] as? String == "a\nb\nc\n")
        }
    }

    @Test func listIsNewestChangeFirstPaginatedAndFilterable() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let path = "/v1/projects/\(team.project)/documents"
            var docs: [String: [String: Any]] = [:]
            for (title, tags) in [("D0", ["red"]), ("D1", ["blue"]), ("D2", ["red", "blue"]), ("D3", []), ("D4", ["red"])] {
                docs[title] = try await Self.create(app, in: team.project, by: team.editor, title: title, body: "body of \(title)", tags: tags)
                app.clock.advance(by: 1)
            }
            func titles(_ query: String, as user: TestApp.Account? = nil) async throws -> [String] {
                var titles: [String] = []
                var cursor: String?
                repeat {
                    let page = try await app.request(
                        .get, path + "?" + query + (cursor.map { "&cursor=\($0)" } ?? ""), token: (user ?? team.viewer).accessToken)
                    #expect(page.status == .ok, "\(page.bodyString)")
                    let items = try page.items()
                    #expect(items.allSatisfy { $0["body"] == nil && $0["size"] is Int && $0["version"] is Int })
                    titles += items.compactMap { $0["title"] as? String }
                    cursor = try page.object()["nextCursor"] as? String
                } while cursor != nil
                return titles
            }
            #expect(try await titles("limit=2") == ["D4", "D3", "D2", "D1", "D0"])
            let item = try #require(try await app.request(.get, path + "?limit=1", token: team.viewer.accessToken).items().first)
            #expect(item["size"] as? Int == 10)
            #expect(item["tags"] as? [String] == ["red"])
            #expect(item["createdBy"] as? String == team.editor.id)

            // An edit moves the document to the front.
            let d1 = try #require(docs["D1"]?["id"] as? String)
            #expect(try await Self.patch(app, d1, by: team.editor, ["title": "D1 edited"], ifMatch: "\"v1\"").status == .ok)
            #expect(try await titles("limit=3") == ["D1 edited", "D4", "D3", "D2", "D0"])

            #expect(try await titles("tag=red&limit=1") == ["D4", "D2", "D0"])
            #expect(try await titles("tag=BLUE") == ["D1 edited", "D2"])
            #expect(try await titles("tag=green").isEmpty)
            let since = try #require(docs["D3"]?["updatedAt"] as? String)
            #expect(try await titles("updatedSince=\(since)") == ["D1 edited", "D4", "D3"])
            #expect(try await titles("updatedSince=\(since)&tag=red") == ["D4"])

            let bad = try await app.request(.get, path + "?updatedSince=yesterday&tag=not%20ok!&limit=0", token: team.viewer.accessToken)
            try bad.expectProblem(.badRequest)
            #expect(try bad.object()["type"] as? String == "https://acme.dev/problems/invalid-query")
            #expect(try bad.errorFields() == ["updatedSince", "tag", "limit"])
            try await app.request(.get, path + "?cursor=abc", token: team.viewer.accessToken).expectProblem(.badRequest)

            let d4 = try #require(docs["D4"]?["id"] as? String)
            #expect(try await app.request(.delete, "/v1/documents/\(d4)", token: team.admin.accessToken).status == .noContent)
            #expect(try await titles("tag=red") == ["D2", "D0"])
        }
    }

    @Test func bodyFieldIsLimitedToOneMiBButItsEscapedJSONMayBeLarger() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let path = "/v1/projects/\(team.project)/documents"
            // 900 KiB of quotes doubles as escaped JSON, beyond the usual 1 MiB request limit.
            let quotes = String(repeating: "\"", count: 900 * 1024)
            let request = try Self.json(["title": "Quotes", "body": quotes])
            #expect(request.utf8.count > 1 << 20)
            let created = try await app.request(.post, path, token: team.editor.accessToken, json: request)
            #expect(created.status == .created)
            let doc = try created.object()
            #expect(doc["size"] as? Int == 900 * 1024)
            let id = try #require(doc["id"] as? String)

            let tooBig = String(repeating: "a", count: (1 << 20) + 1)
            let rejected = try await app.request(.post, path, token: team.editor.accessToken, json: try Self.json(["title": "Big", "body": tooBig]))
            #expect(try rejected.expectProblem(.contentTooLarge)["type"] as? String == "https://acme.dev/problems/payload-too-large")
            try await Self.patch(app, id, by: team.editor, ["body": tooBig], ifMatch: "\"v1\"").expectProblem(.contentTooLarge)
            let exact = String(repeating: "é", count: 1 << 19)  // 2 bytes each: exactly 1 MiB
            #expect(try await Self.patch(app, id, by: team.editor, ["body": exact], ifMatch: "\"v1\"").status == .ok)
            // Requests beyond 4 MiB are refused before decoding; other routes keep 1 MiB.
            let huge = try Self.json(["title": "Huge", "body": String(repeating: "\"", count: 2_200_000)])
            try await app.request(.post, path, token: team.editor.accessToken, json: huge).expectProblem(.contentTooLarge)
            try await app.request(.post, "/v1/documents/\(id)/comments", token: team.editor.accessToken, json: request).expectProblem(.contentTooLarge)
            #expect(try await app.request(.get, path, token: team.editor.accessToken).items().count == 1)
        }
    }

    @Test func idempotentCreateReplaysTheFirstResult() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let path = "/v1/projects/\(team.project)/documents"
            let body = #"{"title":"Once","body":"only once"}"#
            let first = try await app.request(.post, path, token: team.editor.accessToken, json: body, headers: [.idempotencyKey: "create-1"])
            #expect(first.status == .created)
            #expect(first.headers[.idempotentReplayed] == nil)
            let retry = try await app.request(.post, path, token: team.editor.accessToken, json: body, headers: [.idempotencyKey: "create-1"])
            #expect(retry.status == .created)
            #expect(retry.headers[.idempotentReplayed] == "true")
            #expect(retry.headers[.eTag] == "\"v1\"")
            #expect(try retry.object()["id"] as? String == first.object()["id"] as? String)
            #expect(try retry.object()["createdAt"] as? String == first.object()["createdAt"] as? String)
            #expect(try await app.request(.get, path, token: team.editor.accessToken).items().count == 1)

            let other = try await app.request(
                .post, path, token: team.editor.accessToken, json: #"{"title":"Other","body":"different"}"#, headers: [.idempotencyKey: "create-1"])
            try other.expectProblem(.unprocessableContent)
            // Keys are the caller's own: another user's identical key creates another document.
            let admins = try await app.request(.post, path, token: team.admin.accessToken, json: body, headers: [.idempotencyKey: "create-1"])
            #expect(admins.status == .created)
            #expect(admins.headers[.idempotentReplayed] == nil)
            #expect(try await app.request(.get, path, token: team.editor.accessToken).items().count == 2)
        }
    }

    /// A client that retries before its first request has committed still gets the first document back (on
    /// PostgreSQL the retry used to miss the uncommitted key, create, and collide on it: a 409).
    @Test func concurrentRetriesWithOneIdempotencyKeyGetTheFirstDocument() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let path = "/v1/projects/\(team.project)/documents"
            let responses = try await TestApp.concurrently(6) { _ in
                try await app.request(
                    .post, path, token: team.editor.accessToken, json: #"{"title":"Once","body":"raced"}"#, headers: [.idempotencyKey: "race-1"])
            }
            #expect(responses.allSatisfy { $0.status == .created }, "\(responses.map(\.status.code))")
            #expect(responses.filter { $0.headers[.idempotentReplayed] == nil }.count == 1)
            #expect(Set(try responses.map { try $0.object()["id"] as? String }).count == 1)
            #expect(try await app.request(.get, path, token: team.editor.accessToken).items().count == 1)
        }
    }

    @Test func archivedProjectsAreReadOnly() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let id = try #require(try await Self.create(app, in: team.project, by: team.editor)["id"] as? String)
            let comment = try await app.request(.post, "/v1/documents/\(id)/comments", token: team.editor.accessToken, json: #"{"body":"hi"}"#)
            let commentId = try #require(try comment.object()["id"] as? String)
            #expect(try await app.request(.post, "/v1/projects/\(team.project)/archive", token: team.admin.accessToken).status == .ok)

            try await app.request(.post, "/v1/projects/\(team.project)/documents", token: team.editor.accessToken, json: #"{"title":"x","body":""}"#).expectProblem(.conflict)
            try await Self.patch(app, id, by: team.editor, ["title": "x"], ifMatch: "\"v1\"").expectProblem(.conflict)
            try await app.request(.delete, "/v1/documents/\(id)", token: team.admin.accessToken).expectProblem(.conflict)
            try await app.request(.post, "/v1/documents/\(id)/versions/1/restore", token: team.admin.accessToken).expectProblem(.conflict)
            try await app.request(.post, "/v1/documents/\(id)/comments", token: team.editor.accessToken, json: #"{"body":"more"}"#).expectProblem(.conflict)
            try await app.request(.patch, "/v1/comments/\(commentId)", token: team.editor.accessToken, json: #"{"body":"edit"}"#).expectProblem(.conflict)
            try await app.request(.delete, "/v1/comments/\(commentId)", token: team.admin.accessToken).expectProblem(.conflict)

            #expect(try await app.request(.get, "/v1/documents/\(id)", token: team.viewer.accessToken).status == .ok)
            #expect(try await app.request(.get, "/v1/projects/\(team.project)/documents", token: team.viewer.accessToken).items().count == 1)
            #expect(try await app.request(.get, "/v1/documents/\(id)/comments", token: team.viewer.accessToken).items().count == 1)
            #expect(try await app.request(.get, "/v1/documents/\(id)/versions", token: team.viewer.accessToken).items().count == 1)
        }
    }

    @Test func outsidersGetNotFoundOnEveryDocumentAndCommentRoute() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app, visibility: "private")
            let id = try #require(try await Self.create(app, in: team.project, by: team.editor, body: "secret")["id"] as? String)
            let comment = try await app.request(.post, "/v1/documents/\(id)/comments", token: team.editor.accessToken, json: #"{"body":"hi"}"#)
            let commentId = try #require(try comment.object()["id"] as? String)
            // Eve belongs to another org; Mia to this org but not to the private project.
            let eve = try await app.signup("Eve")
            _ = try await app.createOrg(eve)
            let mia = try await app.signup("Mia")
            try await app.addMember(mia, to: team.org, role: "member", by: team.admin)

            let routes: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/v1/projects/\(team.project)/documents", nil),
                (.post, "/v1/projects/\(team.project)/documents", #"{"title":"x","body":""}"#),
                (.get, "/v1/documents/\(id)", nil),
                (.patch, "/v1/documents/\(id)", #"{"title":"x"}"#),
                (.delete, "/v1/documents/\(id)", nil),
                (.post, "/v1/documents/\(id)/restore", nil),
                (.get, "/v1/documents/\(id)/versions", nil),
                (.get, "/v1/documents/\(id)/versions/1", nil),
                (.post, "/v1/documents/\(id)/versions/1/restore", nil),
                (.post, "/v1/documents/\(id)/comments", #"{"body":"x"}"#),
                (.get, "/v1/documents/\(id)/comments", nil),
                (.patch, "/v1/comments/\(commentId)", #"{"body":"x"}"#),
                (.delete, "/v1/comments/\(commentId)", nil),
            ]
            for outsider in [eve, mia] {
                for (method, path, body) in routes {
                    let response = try await app.request(method, path, token: outsider.accessToken, json: body, headers: [.ifMatch: "\"v1\""])
                    #expect(response.status == .notFound, "\(outsider.email) \(method) \(path): \(response.status.code)")
                }
            }
            // Nothing changed, and a project member sees everything as it was.
            let doc = try await app.request(.get, "/v1/documents/\(id)", token: team.viewer.accessToken)
            #expect(doc.headers[.eTag] == "\"v1\"")
            #expect(try await app.request(.get, "/v1/documents/\(id)/comments", token: team.viewer.accessToken).items().count == 1)
            try await app.setProjectRole(mia, in: team.project, role: "viewer", by: team.admin)
            #expect(try await app.request(.get, "/v1/documents/\(id)", token: mia.accessToken).status == .ok)
        }
    }

    @Test func apiTokensNeedTheDocumentScopes() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let id = try #require(try await Self.create(app, in: team.project, by: team.editor)["id"] as? String)
            func token(_ scopes: [String]) async throws -> String {
                let created = try await app.request(
                    .post, "/v1/auth/tokens", token: team.editor.accessToken, body: ["name": "ci", "scopes": AnyEncodable(scopes)] as [String: AnyEncodable])
                return try #require(try created.object()["token"] as? String)
            }
            let reader = try await token(["documents:read"])
            #expect(try await app.request(.get, "/v1/documents/\(id)", token: reader).status == .ok)
            #expect(try await app.request(.get, "/v1/projects/\(team.project)/documents", token: reader).status == .ok)
            try await app.request(.post, "/v1/projects/\(team.project)/documents", token: reader, json: #"{"title":"x","body":""}"#).expectProblem(.forbidden)
            try await app.request(.patch, "/v1/documents/\(id)", token: reader, json: #"{"title":"x"}"#, headers: [.ifMatch: "\"v1\""]).expectProblem(.forbidden)
            try await app.request(.post, "/v1/documents/\(id)/comments", token: reader, json: #"{"body":"x"}"#).expectProblem(.forbidden)
            let other = try await token(["projects:read"])
            try await app.request(.get, "/v1/documents/\(id)", token: other).expectProblem(.forbidden)
            let writer = try await token(["documents:read", "documents:write"])
            #expect(try await app.request(.patch, "/v1/documents/\(id)", token: writer, json: #"{"title":"x"}"#, headers: [.ifMatch: "\"v1\""]).status == .ok)
        }
    }

    // MARK: Comments

    @Test func commentsAreForEditorsAndChangeableByTheirAuthorOrAnAdmin() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let carl = try await app.signup("Carl")
            try await app.addMember(carl, to: team.org, role: "member", by: team.admin)
            try await app.setProjectRole(carl, in: team.project, role: "editor", by: team.admin)
            let id = try #require(try await Self.create(app, in: team.project, by: team.editor)["id"] as? String)
            let path = "/v1/documents/\(id)/comments"

            try await app.request(.post, path, token: team.viewer.accessToken, json: #"{"body":"me too"}"#).expectProblem(.forbidden)
            let first = try await app.request(.post, path, token: team.editor.accessToken, json: #"{"body":"  First!  "}"#)
            #expect(first.status == .created)
            let firstJSON = try first.object()
            let firstId = try #require(firstJSON["id"] as? String)
            #expect(firstId.hasPrefix("cmt_"))
            #expect(firstJSON["body"] as? String == "First!")
            #expect(firstJSON["authorId"] as? String == team.editor.id)
            #expect(firstJSON["documentId"] as? String == id)
            #expect(try await app.request(.post, path, token: carl.accessToken, json: #"{"body":"Second"}"#).status == .created)
            #expect(try await app.request(.post, path, token: team.admin.accessToken, json: #"{"body":"Third"}"#).status == .created)
            #expect(try await app.request(.post, path, token: carl.accessToken, json: #"{"body":"   "}"#).errorFields() == ["body"])
            #expect(try await app.request(.post, path, token: carl.accessToken, body: ["body": String(repeating: "x", count: 10_001)]).errorFields() == ["body"])
            #expect(try await app.request(.post, path, token: carl.accessToken, json: #"{"body":"x","extra":true}"#).errorFields() == ["extra"])

            // Oldest first, in pages, for every reader.
            let page = try await app.request(.get, path + "?limit=2", token: team.viewer.accessToken)
            #expect(try page.items().map { $0["body"] as? String } == ["First!", "Second"])
            let cursor = try #require(try page.object()["nextCursor"] as? String)
            #expect(try await app.request(.get, path + "?limit=2&cursor=\(cursor)", token: team.viewer.accessToken).items().map { $0["body"] as? String } == ["Third"])

            let firstPath = "/v1/comments/\(firstId)"
            try await app.request(.patch, firstPath, token: carl.accessToken, json: #"{"body":"hijacked"}"#).expectProblem(.forbidden)
            try await app.request(.delete, firstPath, token: carl.accessToken).expectProblem(.forbidden)
            try await app.request(.delete, firstPath, token: team.viewer.accessToken).expectProblem(.forbidden)
            let edited = try await app.request(.patch, firstPath, token: team.editor.accessToken, json: #"{"body":"First (edited)"}"#)
            #expect(edited.status == .ok)
            #expect(try edited.object()["body"] as? String == "First (edited)")
            #expect(try await app.request(.patch, firstPath, token: team.admin.accessToken, json: #"{"body":"Moderated"}"#).status == .ok)
            #expect(try await app.request(.delete, firstPath, token: team.admin.accessToken).status == .noContent)
            try await app.request(.patch, firstPath, token: team.editor.accessToken, json: #"{"body":"again"}"#).expectProblem(.notFound)
            try await app.request(.delete, "/v1/comments/cmt_01JD0000000000000000000000", token: team.admin.accessToken).expectProblem(.notFound)
            try await app.request(.delete, "/v1/comments/bogus", token: team.admin.accessToken).expectProblem(.notFound)
            #expect(try await app.request(.get, path, token: team.viewer.accessToken).items().map { $0["body"] as? String } == ["Second", "Third"])

            // Authors who became viewers read only.
            let second = try #require(try await app.request(.get, path, token: carl.accessToken).items().first?["id"] as? String)
            try await app.setProjectRole(carl, in: team.project, role: "viewer", by: team.admin)
            try await app.request(.patch, "/v1/comments/\(second)", token: carl.accessToken, json: #"{"body":"edit"}"#).expectProblem(.forbidden)

            // Comments leave the document's version alone.
            #expect(try await app.request(.get, "/v1/documents/\(id)", token: team.viewer.accessToken).headers[.eTag] == "\"v1\"")
        }
    }

    @Test func commentCreationHonoursIdempotencyKeys() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let id = try #require(try await Self.create(app, in: team.project, by: team.editor)["id"] as? String)
            let path = "/v1/documents/\(id)/comments"
            let first = try await app.request(.post, path, token: team.editor.accessToken, json: #"{"body":"once"}"#, headers: [.idempotencyKey: "c-1"])
            let retry = try await app.request(.post, path, token: team.editor.accessToken, json: #"{"body":"once"}"#, headers: [.idempotencyKey: "c-1"])
            #expect(retry.status == .created)
            #expect(retry.headers[.idempotentReplayed] == "true")
            #expect(try retry.object()["id"] as? String == first.object()["id"] as? String)
            try await app.request(.post, path, token: team.editor.accessToken, json: #"{"body":"twice"}"#, headers: [.idempotencyKey: "c-1"]).expectProblem(.unprocessableContent)
            #expect(try await app.request(.get, path, token: team.editor.accessToken).items().count == 1)
        }
    }

    // MARK: Events

    @Test func changesPublishDocumentEventsInTheirTransaction() async throws {
        try await TestApp.run { app in
            let team = try await Team.make(app)
            let id = try #require(try await Self.create(app, in: team.project, by: team.editor, title: "Evented", body: "secret body", tags: ["t"])["id"] as? String)
            #expect(try await Self.patch(app, id, by: team.editor, ["body": "secret body\nmore"], ifMatch: "\"v1\"").status == .ok)
            #expect(try await app.request(.delete, "/v1/documents/\(id)", token: team.admin.accessToken).status == .noContent)
            #expect(try await app.request(.post, "/v1/documents/\(id)/restore", token: team.admin.accessToken).status == .ok)
            let comment = try await app.request(.post, "/v1/documents/\(id)/comments", token: team.editor.accessToken, json: #"{"body":"hidden"}"#)
            let commentId = try #require(try comment.object()["id"] as? String)
            // A rejected change publishes nothing.
            try await Self.patch(app, id, by: team.editor, ["title": "stale"], ifMatch: "\"v1\"").expectProblem(.preconditionFailed)

            let expected = ["document.created", "document.updated", "document.deleted", "document.restored", "comment.created"]
            let events = try await EventEmissionTests.collect(app, topics: [.documentsEvents]) { $0.count >= expected.count }
            #expect(events.map(\.1.type) == expected)
            #expect(events.map(\.1.subject) == Array(repeating: id, count: 5))
            #expect(events.map(\.1.subjectVersion) == [1, 2, 3, 4, nil])
            #expect(events.allSatisfy { $0.1.orgId == team.org })
            #expect(events.map(\.1.actor) == [team.editor.id, team.editor.id, team.admin.id, team.admin.id, team.editor.id])

            struct Payload: Codable, Sendable {
                var projectId: String
                var documentId: String
                var title: String?
                var tags: [String]?
                var version: Int64?
                var commentId: String?
                var authorId: String?
                var body: String?
            }
            let payloads = try events.map { try EventCodec.decode(Payload.self, from: $0.2).payload }
            #expect(payloads.allSatisfy { $0.projectId == team.project && $0.documentId == id })
            #expect(payloads[1].title == "Evented" && payloads[1].tags == ["t"] && payloads[1].version == 2)
            #expect(payloads[4].commentId == commentId && payloads[4].authorId == team.editor.id)
            // Document events carry the body (what Search indexes); deletions and comment events do not.
            #expect(payloads.map(\.body) == ["secret body", "secret body\nmore", nil, "secret body\nmore", nil])
            #expect(events.allSatisfy { !String(decoding: $0.2, as: UTF8.self).contains("hidden") })
            // Audit entries record the change, never the content.
            let audit = try await EventEmissionTests.collect(app, topics: [.auditLog]) { headers in
                headers.filter { $0.subject == id }.count >= expected.count
            }
            let entries = audit.filter { $0.1.subject == id }
            #expect(entries.count == expected.count)
            #expect(entries.allSatisfy { !String(decoding: $0.2, as: UTF8.self).contains("secret body") })
        }
    }
}
