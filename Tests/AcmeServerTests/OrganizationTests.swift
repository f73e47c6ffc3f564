import AcmeCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct OrganizationTests {
    @Test func creatorBecomesOwnerAndSeesTheOrg() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let created = try await app.request(.post, "/v1/orgs", token: ann.accessToken, body: ["name": "Acme Corp", "slug": "Acme-Corp", "region": "eu-west"])
            #expect(created.status == .created)
            let org = try created.object()
            #expect(org["slug"] as? String == "acme-corp")
            #expect(org["role"] as? String == "owner")
            #expect(org["region"] as? String == "eu-west")
            let id = try #require(org["id"] as? String)

            let got = try await app.request(.get, "/v1/orgs/\(id)", token: ann.accessToken)
            #expect(got.status == .ok)
            #expect(got.headers[.eTag] != nil)
            #expect(got.headers[.eTag] == created.headers[.eTag])
            let list = try await app.request(.get, "/v1/orgs", token: ann.accessToken)
            #expect(try list.items().map { $0["id"] as? String } == [id])
            #expect(try list.object()["nextCursor"] is NSNull)
            let members = try await app.request(.get, "/v1/orgs/\(id)/members", token: ann.accessToken).items()
            #expect(members.count == 1)
            #expect(members[0]["userId"] as? String == ann.id)
            #expect(members[0]["role"] as? String == "owner")
        }
    }

    @Test func slugsAreUniqueAndValidated() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            _ = try await app.createOrg(ann, slug: "taken")
            let again = try await app.request(.post, "/v1/orgs", token: ann.accessToken, body: ["name": "Again", "slug": "taken", "region": "us-east"])
            #expect(try again.expectProblem(.conflict)["detail"] as? String == "The slug 'taken' is taken.")
            let bad = try await app.request(.post, "/v1/orgs", token: ann.accessToken, body: ["name": " ", "slug": "-no", "region": "mars"])
            try bad.expectProblem(.unprocessableContent)
            #expect(try bad.errorFields() == ["name", "slug", "region"])
            #expect(try await app.request(.get, "/v1/orgs", token: ann.accessToken).items().count == 1)
        }
    }

    @Test func orgListPaginatesWithCursor() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            var ids: [String] = []
            for index in 0..<5 { ids.append(try await app.createOrg(ann, slug: "org-page-\(index)")) }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let path = "/v1/orgs?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await app.request(.get, path, token: ann.accessToken)
                #expect(page.status == .ok)
                seen += try page.items().compactMap { $0["id"] as? String }
                cursor = try page.object()["nextCursor"] as? String
            } while cursor != nil
            // Ids are time-ordered to the millisecond; the list is in id order, each org exactly once.
            #expect(seen == ids.sorted())
            try await app.request(.get, "/v1/orgs?limit=0", token: ann.accessToken).expectProblem(.badRequest)
            try await app.request(.get, "/v1/orgs?limit=101", token: ann.accessToken).expectProblem(.badRequest)
            let badCursor = try await app.request(.get, "/v1/orgs?cursor=%%%", token: ann.accessToken)
            try badCursor.expectProblem(.badRequest)
            #expect(try badCursor.errorFields() == ["cursor"])
        }
    }

    @Test func patchHonoursIfMatch() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let id = try await app.createOrg(ann)
            let etag = try #require(try await app.request(.get, "/v1/orgs/\(id)", token: ann.accessToken).headers[.eTag])
            let renamed = try await app.request(.patch, "/v1/orgs/\(id)", token: ann.accessToken, json: #"{"name":"Renamed"}"#, headers: [.ifMatch: etag])
            #expect(renamed.status == .ok)
            #expect(renamed.headers[.eTag] != nil && renamed.headers[.eTag] != etag)
            #expect(try renamed.object()["name"] as? String == "Renamed")
            // Sending the same values again changes nothing, so the version stays.
            let same = try await app.request(.patch, "/v1/orgs/\(id)", token: ann.accessToken, json: #"{"name":"Renamed"}"#)
            #expect(same.headers[.eTag] == renamed.headers[.eTag])
            try await app.request(.patch, "/v1/orgs/\(id)", token: ann.accessToken, json: #"{"name":"Stale"}"#, headers: [.ifMatch: etag]).expectProblem(.preconditionFailed)
            #expect(try await app.request(.get, "/v1/orgs/\(id)", token: ann.accessToken).object()["name"] as? String == "Renamed")
        }
    }

    @Test func profileUpdateValidatesAndBumpsVersion() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let updated = try await app.request(.patch, "/v1/users/me", token: ann.accessToken, json: #"{"name":"Ann B","timeZone":"Europe/Paris","avatarUrl":"https://example.com/a.png"}"#)
            #expect(updated.status == .ok)
            #expect(updated.headers[.eTag] == "\"v2\"")
            let cleared = try await app.request(.patch, "/v1/users/me", token: ann.accessToken, json: #"{"avatarUrl":null}"#)
            #expect(try cleared.object()["avatarUrl"] == nil)
            #expect(try cleared.object()["timeZone"] as? String == "Europe/Paris")
            let bad = try await app.request(.patch, "/v1/users/me", token: ann.accessToken, json: #"{"timeZone":"Mars/Olympus","avatarUrl":"javascript:alert(1)","name":""}"#)
            #expect(try bad.errorFields() == ["name", "avatarUrl", "timeZone"])
        }
    }

    @Test func deletingAnOrgNeedsAnOwner() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let bob = try await app.signup("Bob")
            let id = try await app.createOrg(ann)
            try await app.addMember(bob, to: id, role: "admin", by: ann)
            try await app.request(.delete, "/v1/orgs/\(id)", token: bob.accessToken).expectProblem(.forbidden)
            #expect(try await app.request(.delete, "/v1/orgs/\(id)", token: ann.accessToken).status == .noContent)
            try await app.request(.get, "/v1/orgs/\(id)", token: ann.accessToken).expectProblem(.notFound)
            #expect(try await app.request(.get, "/v1/orgs", token: bob.accessToken).items().isEmpty)
        }
    }
}

@Suite struct MembershipTests {
    @Test func invitationAcceptJoinsWithTheInvitedRole() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let bob = try await app.signup("Bob")
            let org = try await app.createOrg(ann)
            let invite = try await app.request(.post, "/v1/orgs/\(org)/invitations", token: ann.accessToken, body: ["email": bob.email.uppercased(), "role": "member"])
            #expect(invite.status == .created)
            let json = try invite.object()
            let token = try #require(json["token"] as? String)
            #expect(json["id"] is String && json["expiresAt"] is String)

            let listed = try await app.request(.get, "/v1/orgs/\(org)/invitations", token: ann.accessToken).items()
            #expect(listed.first?["status"] as? String == "pending")
            #expect(listed.first?["token"] == nil)

            // Someone else cannot use Bob's invitation.
            let eve = try await app.signup("Eve")
            try await app.request(.post, "/v1/invitations/\(token)/accept", token: eve.accessToken).expectProblem(.forbidden)

            let accepted = try await app.request(.post, "/v1/invitations/\(token)/accept", token: bob.accessToken)
            #expect(accepted.status == .ok)
            #expect(try accepted.object()["role"] as? String == "member")
            try await app.request(.post, "/v1/invitations/\(token)/accept", token: bob.accessToken).expectProblem(.gone)
            let members = try await app.request(.get, "/v1/orgs/\(org)/members", token: bob.accessToken).items()
            #expect(Set(members.compactMap { $0["userId"] as? String }) == [ann.id, bob.id])
            try await app.request(.post, "/v1/invitations/acme_inv_unknown/accept", token: bob.accessToken).expectProblem(.notFound)
        }
    }

    @Test func invitationsExpireAndCanBeRevoked() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let bob = try await app.signup("Bob")
            let org = try await app.createOrg(ann)
            let first = try await app.request(.post, "/v1/orgs/\(org)/invitations", token: ann.accessToken, body: ["email": bob.email, "role": "viewer"]).object()
            try await app.request(.post, "/v1/orgs/\(org)/invitations", token: ann.accessToken, body: ["email": bob.email, "role": "viewer"]).expectProblem(.conflict)
            let id = try #require(first["id"] as? String)
            #expect(try await app.request(.delete, "/v1/orgs/\(org)/invitations/\(id)", token: ann.accessToken).status == .noContent)
            try await app.request(.post, "/v1/invitations/\(first["token"] as! String)/accept", token: bob.accessToken).expectProblem(.gone)

            let second = try await app.request(.post, "/v1/orgs/\(org)/invitations", token: ann.accessToken, body: ["email": bob.email, "role": "viewer"]).object()
            app.clock.advance(by: 8 * 24 * 3600)
            let login = try await app.request(.post, "/v1/auth/login", body: ["email": bob.email, "password": bob.password])
            let bobToken = try #require(try login.object()["accessToken"] as? String)
            try await app.request(.post, "/v1/invitations/\(second["token"] as! String)/accept", token: bobToken).expectProblem(.gone)
        }
    }

    @Test func roleRules() async throws {
        try await TestApp.run { app in
            let owner = try await app.signup("Owner")
            let admin = try await app.signup("Admin")
            let member = try await app.signup("Member")
            let viewer = try await app.signup("Viewer")
            let org = try await app.createOrg(owner)
            try await app.addMember(admin, to: org, role: "admin", by: owner)
            try await app.addMember(member, to: org, role: "member", by: admin)
            try await app.addMember(viewer, to: org, role: "viewer", by: admin)
            func setRole(_ actor: TestApp.Account, _ target: TestApp.Account, _ role: String) async throws -> TestResponse {
                try await app.request(.patch, "/v1/orgs/\(org)/members/\(target.id)", token: actor.accessToken, body: ["role": role])
            }

            // Admins manage members below owner but cannot touch owners or make owners.
            #expect(try await setRole(admin, member, "viewer").status == .ok)
            try await setRole(admin, owner, "member").expectProblem(.forbidden)
            try await setRole(admin, member, "owner").expectProblem(.forbidden)
            try await app.request(.post, "/v1/orgs/\(org)/invitations", token: admin.accessToken, body: ["email": "new@example.com", "role": "owner"]).expectProblem(.forbidden)
            // Members and viewers manage nobody.
            try await setRole(member, viewer, "member").expectProblem(.forbidden)
            try await app.request(.post, "/v1/orgs/\(org)/invitations", token: viewer.accessToken, body: ["email": "new@example.com", "role": "viewer"]).expectProblem(.forbidden)
            try await app.request(.patch, "/v1/orgs/\(org)", token: member.accessToken, body: ["name": "Mine"]).expectProblem(.forbidden)
            // The last owner cannot be demoted or leave; with a second owner both work.
            try await setRole(owner, owner, "admin").expectProblem(.conflict)
            try await app.request(.delete, "/v1/orgs/\(org)/members/\(owner.id)", token: owner.accessToken).expectProblem(.conflict)
            #expect(try await setRole(owner, admin, "owner").status == .ok)
            #expect(try await setRole(admin, owner, "member").status == .ok)
            // Anyone may leave; admins cannot remove owners.
            #expect(try await app.request(.delete, "/v1/orgs/\(org)/members/\(viewer.id)", token: viewer.accessToken).status == .noContent)
            try await setRole(owner, admin, "viewer").expectProblem(.forbidden)  // owner was demoted to member
            try await app.request(.delete, "/v1/orgs/\(org)/members/\(admin.id)", token: owner.accessToken).expectProblem(.forbidden)
            let roles = Dictionary(uniqueKeysWithValues: try await app.request(.get, "/v1/orgs/\(org)/members", token: admin.accessToken).items().map {
                ($0["userId"] as! String, $0["role"] as! String)
            })
            #expect(roles == [owner.id: "member", admin.id: "owner", member.id: "viewer"])
            let badRole = try await setRole(admin, member, "superuser")
            #expect(try badRole.errorFields() == ["role"])
        }
    }

    @Test func nonMembersGet404NotForbidden() async throws {
        try await TestApp.run { app in
            let ann = try await app.signup("Ann")
            let mallory = try await app.signup("Mallory")
            let org = try await app.createOrg(ann)
            let invitation = try await app.request(.post, "/v1/orgs/\(org)/invitations", token: ann.accessToken, body: ["email": "x@example.com", "role": "member"]).object()
            let invitationId = try #require(invitation["id"] as? String)
            let missing = "org_" + String(repeating: "0", count: 26)
            for orgId in [org, missing] {
                try await app.request(.get, "/v1/orgs/\(orgId)", token: mallory.accessToken).expectProblem(.notFound)
                try await app.request(.patch, "/v1/orgs/\(orgId)", token: mallory.accessToken, body: ["name": "pwned"]).expectProblem(.notFound)
                try await app.request(.delete, "/v1/orgs/\(orgId)", token: mallory.accessToken).expectProblem(.notFound)
                try await app.request(.get, "/v1/orgs/\(orgId)/members", token: mallory.accessToken).expectProblem(.notFound)
                try await app.request(.patch, "/v1/orgs/\(orgId)/members/\(ann.id)", token: mallory.accessToken, body: ["role": "viewer"]).expectProblem(.notFound)
                try await app.request(.delete, "/v1/orgs/\(orgId)/members/\(ann.id)", token: mallory.accessToken).expectProblem(.notFound)
                try await app.request(.get, "/v1/orgs/\(orgId)/invitations", token: mallory.accessToken).expectProblem(.notFound)
                try await app.request(.post, "/v1/orgs/\(orgId)/invitations", token: mallory.accessToken, body: ["email": "m@example.com", "role": "owner"]).expectProblem(.notFound)
                try await app.request(.delete, "/v1/orgs/\(orgId)/invitations/\(invitationId)", token: mallory.accessToken).expectProblem(.notFound)
            }
            #expect(try await app.request(.get, "/v1/orgs/\(org)", token: ann.accessToken).object()["name"] as? String != "pwned")
        }
    }
}
