import AcmeCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct ProjectTests {
    @Test func creatorBecomesAdminAndKeysAreUniquePerOrg() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let org = try await app.createOrg(ann)
            let created = try await app.request(
                .post, "/v1/orgs/\(org)/projects", token: ann.accessToken,
                body: ["name": "Website", "key": "WEB", "description": "The public site"])
            #expect(created.status == .created)
            #expect(created.headers[.eTag] != nil)
            let json = try created.object()
            #expect(json["role"] as? String == "admin")
            #expect(json["visibility"] as? String == "org")
            #expect(json["archived"] as? Bool == false)
            #expect(json["orgId"] as? String == org)
            let again = try await app.request(.post, "/v1/orgs/\(org)/projects", token: ann.accessToken, body: ["name": "Again", "key": "WEB"])
            #expect(try again.expectProblem(.conflict)["detail"] as? String == "The key 'WEB' is already used in this organization.")
            let other = try await app.createOrg(ann)
            _ = try await app.createProject(ann, in: other, key: "WEB")

            let bad = try await app.request(
                .post, "/v1/orgs/\(org)/projects", token: ann.accessToken,
                body: ["name": "", "key": "w", "visibility": "secret", "description": String(repeating: "x", count: 2001)])
            #expect(try bad.errorFields() == ["name", "key", "description", "visibility"])
            for key in ["ab", "ABCDEFGHIJK", "AB1", "ÄB"] {
                let response = try await app.request(.post, "/v1/orgs/\(org)/projects", token: ann.accessToken, body: ["name": "X", "key": key])
                #expect(try response.errorFields() == ["key"], "\(key)")
            }
        }
    }

    @Test func fuzzySearchRanksBySimilarityAndToleratesTypos() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let org = try await app.createOrg(ann)
            for (key, name) in [("QR", "Quarterly report"), ("RM", "Roadmap 2026"), ("QP", "Quarterly planning"), ("HR", "Hiring"), ("PCT", "100% coverage_plan"), ("WEB", "Website relaunch")] {
                _ = try await app.createProject(ann, in: org, key: key, name: name)
            }
            let typo = try await app.request(.get, "/v1/orgs/\(org)/projects?q=Quartely%20reprot", token: ann.accessToken).items()
            #expect(typo.first?["name"] as? String == "Quarterly report")
            #expect(!typo.contains { $0["name"] as? String == "Hiring" })
            let word = try await app.request(.get, "/v1/orgs/\(org)/projects?q=webiste", token: ann.accessToken).items()
            #expect(word.first?["name"] as? String == "Website relaunch")
            let partial = try await app.request(.get, "/v1/orgs/\(org)/projects?q=road", token: ann.accessToken).items()
            #expect(partial.map { $0["name"] as? String } == ["Roadmap 2026"])
            // LIKE wildcards in the query match literally.
            let literal = try await app.request(.get, "/v1/orgs/\(org)/projects?q=0%25%20c", token: ann.accessToken).items()
            #expect(literal.map { $0["name"] as? String } == ["100% coverage_plan"])
            let wildcard = try await app.request(.get, "/v1/orgs/\(org)/projects?q=%25", token: ann.accessToken).items()
            #expect(wildcard.map { $0["name"] as? String } == ["100% coverage_plan"])

            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await app.request(.get, "/v1/orgs/\(org)/projects?q=quarterly&limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""), token: ann.accessToken)
                seen += try page.items().compactMap { $0["name"] as? String }
                cursor = try page.object()["nextCursor"] as? String
            } while cursor != nil
            #expect(Set(seen) == ["Quarterly report", "Quarterly planning"])
            #expect(seen.count == 2)
        }
    }

    @Test func listSortsPaginatesAndFiltersArchived() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let org = try await app.createOrg(ann)
            var ids: [String: String] = [:]
            for (key, name) in [("CC", "charlie"), ("AA", "Alpha"), ("BB", "bravo"), ("DD", "Delta")] {
                ids[name] = try await app.createProject(ann, in: org, key: key, name: name)
                app.clock.advance(by: 1)
            }
            var names: [String] = []
            var cursor: String?
            repeat {
                let page = try await app.request(.get, "/v1/orgs/\(org)/projects?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""), token: ann.accessToken)
                names += try page.items().compactMap { $0["name"] as? String }
                cursor = try page.object()["nextCursor"] as? String
            } while cursor != nil
            #expect(names == ["Alpha", "bravo", "charlie", "Delta"])
            let newest = try await app.request(.get, "/v1/orgs/\(org)/projects?sort=-createdAt", token: ann.accessToken).items()
            #expect(newest.compactMap { $0["name"] as? String } == ["Delta", "bravo", "Alpha", "charlie"])

            #expect(try await app.request(.post, "/v1/projects/\(ids["bravo"]!)/archive", token: ann.accessToken).object()["archived"] as? Bool == true)
            let active = try await app.request(.get, "/v1/orgs/\(org)/projects", token: ann.accessToken).items()
            #expect(active.compactMap { $0["name"] as? String } == ["Alpha", "charlie", "Delta"])
            let archived = try await app.request(.get, "/v1/orgs/\(org)/projects?archived=true", token: ann.accessToken).items()
            #expect(archived.compactMap { $0["name"] as? String } == ["bravo"])
            #expect(try await app.request(.post, "/v1/projects/\(ids["bravo"]!)/unarchive", token: ann.accessToken).object()["archived"] as? Bool == false)

            let bad = try await app.request(.get, "/v1/orgs/\(org)/projects?sort=size&archived=maybe&limit=500&cursor=xyz", token: ann.accessToken)
            try bad.expectProblem(.badRequest)
            #expect(try bad.errorFields() == ["archived", "sort", "limit", "cursor"])
            try await app.request(.get, "/v1/orgs/\(org)/projects?q=x&sort=name", token: ann.accessToken).expectProblem(.badRequest)
        }
    }

    @Test func privateProjectsAreVisibleToMembersAndOrgAdminsOnly() async throws {
        try await TestApp.run { app in
            let owner = try await app.signup("Owner")
            let admin = try await app.signup("Admin")
            let member = try await app.signup("Member")
            let insider = try await app.signup("Insider")
            let org = try await app.createOrg(owner)
            try await app.addMember(admin, to: org, role: "admin", by: owner)
            try await app.addMember(member, to: org, role: "member", by: owner)
            try await app.addMember(insider, to: org, role: "member", by: owner)
            let secret = try await app.createProject(owner, in: org, key: "SEC", visibility: "private")
            let open = try await app.createProject(owner, in: org, key: "OPN")
            try await app.setProjectRole(insider, in: secret, role: "viewer", by: owner)

            func visible(_ user: TestApp.Account) async throws -> Set<String> {
                Set(try await app.request(.get, "/v1/orgs/\(org)/projects", token: user.accessToken).items().compactMap { $0["id"] as? String })
            }
            #expect(try await visible(admin) == [secret, open])
            #expect(try await visible(member) == [open])
            #expect(try await visible(insider) == [secret, open])
            try await app.request(.get, "/v1/projects/\(secret)", token: member.accessToken).expectProblem(.notFound)
            #expect(try await app.request(.get, "/v1/projects/\(secret)", token: admin.accessToken).object()["role"] as? String == "admin")
            #expect(try await app.request(.get, "/v1/projects/\(secret)", token: insider.accessToken).object()["role"] as? String == "viewer")
            #expect(try await app.request(.get, "/v1/projects/\(open)", token: member.accessToken).object()["role"] as? String == "viewer")

            // Leaving the project (or the org) takes the access away at once.
            #expect(try await app.request(.delete, "/v1/projects/\(secret)/members/\(insider.id)", token: insider.accessToken).status == .noContent)
            try await app.request(.get, "/v1/projects/\(secret)", token: insider.accessToken).expectProblem(.notFound)
            #expect(try await app.request(.delete, "/v1/orgs/\(org)/members/\(member.id)", token: owner.accessToken).status == .noContent)
            try await app.request(.get, "/v1/projects/\(open)", token: member.accessToken).expectProblem(.notFound)
        }
    }

    @Test func membersMustBelongToTheOrgAndCarryDisplayNames() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let bob = try await app.signup("Bob")
            let stranger = try await app.signup("Stranger")
            let org = try await app.createOrg(ann)
            try await app.addMember(bob, to: org, role: "member", by: ann)
            let project = try await app.createProject(ann, in: org, key: "DOC")

            let added = try await app.request(.put, "/v1/projects/\(project)/members/\(bob.id)", token: ann.accessToken, body: ["role": "editor"])
            #expect(added.status == .created)
            let changed = try await app.request(.put, "/v1/projects/\(project)/members/\(bob.id)", token: ann.accessToken, body: ["role": "viewer"])
            #expect(changed.status == .ok)
            #expect(try changed.object()["role"] as? String == "viewer")
            let outsider = try await app.request(.put, "/v1/projects/\(project)/members/\(stranger.id)", token: ann.accessToken, body: ["role": "editor"])
            #expect(try outsider.errorFields() == ["userId"])
            let badRole = try await app.request(.put, "/v1/projects/\(project)/members/\(bob.id)", token: ann.accessToken, body: ["role": "owner"])
            #expect(try badRole.errorFields() == ["role"])
            try await app.request(.put, "/v1/projects/\(project)/members/\(ann.id)", token: bob.accessToken, body: ["role": "viewer"]).expectProblem(.forbidden)

            // Display names arrive through acme.users.events into the project's read model.
            var names: [String: String] = [:]
            for _ in 0..<100 {
                let members = try await app.request(.get, "/v1/projects/\(project)/members", token: bob.accessToken).items()
                names = Dictionary(uniqueKeysWithValues: members.compactMap { m in (m["displayName"] as? String).map { (m["userId"] as! String, $0) } })
                if names.count == 2 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(names == [ann.id: "Ann", bob.id: "Bob"])
            _ = try await app.request(.patch, "/v1/users/me", token: bob.accessToken, body: ["name": "Robert"])
            for _ in 0..<100 {
                let members = try await app.request(.get, "/v1/projects/\(project)/members", token: bob.accessToken).items()
                if members.contains(where: { $0["displayName"] as? String == "Robert" }) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let renamed = try await app.request(.get, "/v1/projects/\(project)/members", token: bob.accessToken).items()
            #expect(renamed.contains { $0["displayName"] as? String == "Robert" })
        }
    }

    @Test func settingsAreValidatedAndVersioned() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let org = try await app.createOrg(ann)
            let project = try await app.createProject(ann, in: org, key: "SET")
            let initial = try await app.request(.get, "/v1/projects/\(project)/settings", token: ann.accessToken)
            let etag = try #require(initial.headers[.eTag])
            #expect(try initial.object()["maxFileSizeMB"] as? Int == 100)
            #expect(try await app.request(.get, "/v1/projects/\(project)/settings", token: ann.accessToken, headers: [.ifNoneMatch: etag]).status == .notModified)

            let updated = try await app.request(
                .patch, "/v1/projects/\(project)/settings", token: ann.accessToken,
                json: #"{"allowedFileTypes":["image/*","application/pdf"],"webhookOnChange":true,"defaultDocumentTags":["Spec","spec","draft"]}"#,
                headers: [.ifMatch: etag])
            #expect(updated.status == .ok)
            let json = try updated.object()
            #expect(json["allowedFileTypes"] as? [String] == ["application/pdf", "image/*"])
            #expect(json["defaultDocumentTags"] as? [String] == ["spec", "draft"])
            #expect(updated.headers[.eTag] != etag)
            try await app.request(.patch, "/v1/projects/\(project)/settings", token: ann.accessToken, json: #"{"webhookOnChange":false}"#, headers: [.ifMatch: etag]).expectProblem(.preconditionFailed)
            let bad = try await app.request(.patch, "/v1/projects/\(project)/settings", token: ann.accessToken, json: #"{"allowedFileTypes":["IMAGE/PNG","pdf"],"maxFileSizeMB":0,"colour":"red"}"#)
            #expect(try bad.errorFields() == ["colour"])
            let invalid = try await app.request(.patch, "/v1/projects/\(project)/settings", token: ann.accessToken, json: #"{"allowedFileTypes":["IMAGE/PNG","pdf"],"maxFileSizeMB":0}"#)
            #expect(try invalid.errorFields() == ["allowedFileTypes[0]", "allowedFileTypes[1]", "maxFileSizeMB"])
            #expect(try await app.request(.get, "/v1/projects/\(project)/settings", token: ann.accessToken).object()["webhookOnChange"] as? Bool == true)
        }
    }

    @Test func idempotentCreateReturnsTheFirstProject() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let org = try await app.createOrg(ann)
            let body = #"{"name":"Once","key":"ONE"}"#
            let first = try await app.request(.post, "/v1/orgs/\(org)/projects", token: ann.accessToken, json: body, headers: [.idempotencyKey: "create-once-1"])
            let second = try await app.request(.post, "/v1/orgs/\(org)/projects", token: ann.accessToken, json: body, headers: [.idempotencyKey: "create-once-1"])
            #expect(first.status == .created && second.status == .created)
            #expect(try first.object()["id"] as? String == second.object()["id"] as? String)
            #expect(second.headers[.idempotentReplayed] == "true")
            #expect(first.headers[.idempotentReplayed] == nil)
            try await app.request(.post, "/v1/orgs/\(org)/projects", token: ann.accessToken, json: #"{"name":"Twice","key":"TWO"}"#, headers: [.idempotencyKey: "create-once-1"]).expectProblem(.unprocessableContent)
            try await app.request(.post, "/v1/orgs/\(org)/projects", token: ann.accessToken, json: body, headers: [.idempotencyKey: String(repeating: "k", count: 300)]).expectProblem(.badRequest)
            #expect(try await app.request(.get, "/v1/orgs/\(org)/projects", token: ann.accessToken).items().count == 1)
        }
    }

    /// On PostgreSQL two changes of one project used to read the same version and both write the next: an
    /// `If-Match` loser won too, and member changes repeated versions. Each change now waits for the last.
    @Test func concurrentChangesOfOneProjectRunOneAfterAnother() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let org = try await app.createOrg(ann)
            let project = try await app.createProject(ann, in: org, key: "RACE")
            let path = "/v1/projects/\(project)"

            let etag = try #require(try await app.request(.get, path, token: ann.accessToken).headers[.eTag])
            let renames = try await TestApp.concurrently(8) { index in
                try await app.request(.patch, path, token: ann.accessToken, json: #"{"name":"Name \#(index)"}"#, headers: [.ifMatch: etag])
            }
            #expect(renames.filter { $0.status == .ok }.count == 1)
            #expect(renames.filter { $0.status == .preconditionFailed }.count == 7)
            let renamed = try #require(renames.first { $0.status == .ok }?.headers[.eTag])

            let settingsETag = try #require(try await app.request(.get, path + "/settings", token: ann.accessToken).headers[.eTag])
            let settings = try await TestApp.concurrently(8) { index in
                try await app.request(
                    .patch, path + "/settings", token: ann.accessToken, json: #"{"webhookOnChange":true,"maxFileSizeMB":\#(index + 1)}"#,
                    headers: [.ifMatch: settingsETag])
            }
            #expect(settings.filter { $0.status == .ok }.count == 1)
            #expect(settings.filter { $0.status == .preconditionFailed }.count == 7)

            // A settings change and every member change take the project's next version: seven on from the rename.
            var people: [TestApp.Account] = []
            for index in 0..<6 {
                let person = try await app.signup("Member\(index)")
                try await app.addMember(person, to: org, role: "member", by: ann)
                people.append(person)
            }
            let added = try await TestApp.concurrently(people.count) { [people] index in
                try await app.request(.put, path + "/members/\(people[index].id)", token: ann.accessToken, body: ["role": "editor"])
            }
            #expect(added.allSatisfy { $0.status == .created })
            let version = try #require(Int(renamed.dropFirst(2).dropLast()))
            let next = try await app.request(.patch, path, token: ann.accessToken, json: #"{"name":"After"}"#, headers: [.ifMatch: "\"v\(version + 7)\""])
            #expect(next.status == .ok, "\(next.status.code): \(next.bodyString)")
        }
    }

    /// A member change takes the project's next version; reading the project right after shows it (the cached
    /// facts used to keep the old ETag for a few seconds, so a PATCH with the ETag just read failed with 412).
    @Test func memberChangesMoveTheProjectsETagAtOnce() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let bob = try await app.signup("Bob")
            let org = try await app.createOrg(ann)
            try await app.addMember(bob, to: org, role: "member", by: ann)
            let project = try await app.createProject(ann, in: org, key: "ETAG")
            let path = "/v1/projects/\(project)"
            let before = try #require(try await app.request(.get, path, token: ann.accessToken).headers[.eTag])

            #expect(try await app.request(.put, path + "/members/\(bob.id)", token: ann.accessToken, body: ["role": "editor"]).status == .created)
            let added = try #require(try await app.request(.get, path, token: ann.accessToken).headers[.eTag])
            #expect(added != before)
            #expect(try await app.request(.delete, path + "/members/\(bob.id)", token: ann.accessToken).status == .noContent)
            let removed = try #require(try await app.request(.get, path, token: ann.accessToken).headers[.eTag])
            #expect(removed != added)
            let renamed = try await app.request(.patch, path, token: ann.accessToken, json: #"{"name":"Renamed"}"#, headers: [.ifMatch: removed])
            #expect(renamed.status == .ok, "\(renamed.bodyString)")
        }
    }

    @Test func patchHonoursIfMatchAndDeleteRemovesTheProject() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let org = try await app.createOrg(ann)
            let project = try await app.createProject(ann, in: org, key: "PAT")
            let etag = try #require(try await app.request(.get, "/v1/projects/\(project)", token: ann.accessToken).headers[.eTag])
            let renamed = try await app.request(.patch, "/v1/projects/\(project)", token: ann.accessToken, json: #"{"name":"Renamed","description":null,"visibility":"private"}"#, headers: [.ifMatch: etag])
            #expect(renamed.status == .ok)
            #expect(try renamed.object()["visibility"] as? String == "private")
            try await app.request(.patch, "/v1/projects/\(project)", token: ann.accessToken, json: #"{"name":"Stale"}"#, headers: [.ifMatch: etag]).expectProblem(.preconditionFailed)
            #expect(try await app.request(.delete, "/v1/projects/\(project)", token: ann.accessToken).status == .noContent)
            try await app.request(.get, "/v1/projects/\(project)", token: ann.accessToken).expectProblem(.notFound)
        }
    }
}

@Suite struct ProjectOrgEventsTests {
    /// Polls until `condition` holds (the consumers run asynchronously) or 10 s pass.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<200 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func leavingTheOrgEndsProjectMembershipsAndDeletingItDeletesProjects() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let bob = try await app.signup("Bob")
            let org = try await app.createOrg(ann)
            try await app.addMember(bob, to: org, role: "member", by: ann)
            let project = try await app.createProject(ann, in: org, key: "EVT")
            try await app.setProjectRole(bob, in: project, role: "editor", by: ann)
            #expect(try await app.request(.delete, "/v1/orgs/\(org)/members/\(bob.id)", token: ann.accessToken).status == .noContent)
            let membershipGone = try await Self.eventually {
                try await app.request(.get, "/v1/projects/\(project)/members", token: ann.accessToken).items().allSatisfy { $0["userId"] as? String != bob.id }
            }
            #expect(membershipGone)
            // Rejoining the org does not bring the old project role back.
            try await app.addMember(bob, to: org, role: "member", by: ann)
            #expect(try await app.request(.get, "/v1/projects/\(project)", token: bob.accessToken).object()["role"] as? String == "viewer")

            #expect(try await app.request(.delete, "/v1/orgs/\(org)", token: ann.accessToken).status == .noContent)
            let events = try await EventEmissionTests.collect(app, topics: [.projectsEvents]) { headers in
                headers.contains { $0.type == "project.deleted" && $0.subject == project }
            }
            #expect(events.contains { $0.1.type == "project.deleted" && $0.1.subject == project })
        }
    }
}
