import AcmeCore
import Gateway
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Every served route, fed malformed input of every kind, answers with a 4xx problem+json (or, where the
/// input turns out to be acceptable, a success), never a 5xx.
///
/// The per-route tests check the exact statuses; this sweep covers the routes and combinations nobody wrote a
/// case for, including routes added later. Requests that would end or change the fixtures by design (see
/// ``changesFixtures(_:)``) are sent with bad ids only; archiving runs last.
@Suite struct MalformedInputSweepTests {
    static let badIDs = ["x", "%FF", "%00", "-1", "99999999999999999999", String(repeating: "a", count: 300), "doc_" + String(repeating: "Z", count: 26)]

    static let badBodies: [ByteBuffer] = [
        "", "not json", "[]", "null", "\"text\"", "{", #"{"a":"#, #"{"":1}"#,
        String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000),
        #"{"title": 1, "body": [], "name": {}, "tags": "x", "role": 5, "email": [], "password": null, "key": 1.5, "visibility": true, "query": 1, "code": [], "slug": {}, "description": 7, "refreshToken": 1}"#,
        #"{"title": "\ud800", "name": "\u0000", "tags": [null], "limit": 1e400}"#,
    ].map { ByteBuffer(string: $0) } + [ByteBuffer(bytes: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])]

    static let badQueries = [
        "limit=-1", "limit=abc", "limit=99999999999999999999", "cursor=garbage", "cursor=%FF", "updatedSince=yesterday",
        "q=" + String(repeating: "q", count: 5_000), "sort=sideways", "archived=maybe", "tag=%00", "kind=other", "limit=1&limit=2",
    ]

    static let badHeaders: [(HTTPField.Name, String)] = [
        (.ifMatch, "garbage"), (.ifMatch, "W/\"v1\""), (.ifMatch, "\"v-1\""), (.ifMatch, "\"v99999999999999999999\""),
        (.ifNoneMatch, "garbage"), (HTTPField.Name("Idempotency-Key")!, String(repeating: "k", count: 1_000)),
        (.contentType, "text/plain"),
    ]

    /// Requests the sweep does not send with valid ids: they take no body and succeed by design, ending or changing
    /// the fixtures (a version restore writes a new version whatever the body and `If-Match`, as documented).
    static func changesFixtures(_ route: RouteRecorder.Route) -> Bool {
        route.method == "DELETE" || route.path.hasSuffix("/restore") || ["/v1/auth/logout", "/v1/auth/refresh"].contains(route.path)
    }

    @Test func everyRouteAnswersMalformedInputWithAProblem() async throws {
        try await TestApp.run { app in
            let owner = try await app.signup("Owner")
            let other = try await app.signup("Other")
            let org = try await app.createOrg(owner)
            let project = try await app.createProject(owner, in: org, key: "SWP")
            let document = try await DocumentPermissionMatrixTests.createDocument(app, in: project, by: owner)
            let comment = try await DocumentPermissionMatrixTests.comment(app, on: document, by: owner)
            let valid = [
                "orgId": org, "projectId": project, "userId": other.id, "n": "1", "sessionId": "ses_" + String(repeating: "0", count: 26),
                "tokenId": "tok_" + String(repeating: "0", count: 26), "invitationId": "inv_" + String(repeating: "0", count: 26),
                "token": String(repeating: "t", count: 43),
            ]
            func fill(_ path: String, _ override: [String: String] = [:]) -> String {
                var filled = path
                for name in Self.parameters(in: path) {
                    let id = path.hasPrefix("/v1/comments/") ? comment : document
                    filled = filled.replacingOccurrences(of: "{\(name)}", with: override[name] ?? valid[name] ?? id)
                }
                return filled
            }

            // Archiving leaves the project read-only, so it goes last.
            let routes = app.routes.sorted { ($0.path.hasSuffix("/archive") ? 1 : 0, $0.description) < ($1.path.hasSuffix("/archive") ? 1 : 0, $1.description) }
            var sent = 0
            for route in routes {
                let method = HTTPRequest.Method(route.method)!
                let hasBody = [.post, .put, .patch].contains(method)
                func send(_ path: String, body: ByteBuffer? = nil, headers extra: HTTPFields = [:]) async throws {
                    var headers = extra
                    headers[.authorization] = "Bearer \(owner.accessToken)"
                    if hasBody, headers[.contentType] == nil { headers[.contentType] = "application/json" }
                    let response = try await app.client.execute(uri: path, method: method, headers: headers, body: body ?? (hasBody ? ByteBuffer(string: "{}") : nil)) { $0 }
                    sent += 1
                    #expect(response.status.code < 500, "\(route.method) \(path): \(response.status.code) \(response.bodyString.prefix(300))")
                    if response.status.code >= 400 {
                        #expect(response.headers[.contentType] == "application/problem+json", "\(route.method) \(path): \(response.status.code) without problem+json")
                    }
                }
                for name in Self.parameters(in: route.path) {
                    for id in Self.badIDs { try await send(fill(route.path, [name: id])) }
                }
                if Self.changesFixtures(route) { continue }
                let path = fill(route.path)
                if hasBody {
                    for body in Self.badBodies { try await send(path, body: body) }
                }
                if method == .get {
                    for query in Self.badQueries { try await send(path + "?" + query) }
                }
                for (name, value) in Self.badHeaders where hasBody || name != .contentType {
                    try await send(path, body: hasBody ? ByteBuffer(string: #"{"x": 1}"#) : nil, headers: [name: value])
                }
            }
            #expect(sent > 1_000)
            // The fixtures are still there: nothing malformed changed them.
            let check = try await app.request(.get, "/v1/documents/\(document)", token: owner.accessToken)
            #expect(check.status == .ok)
            #expect(check.headers[.eTag] == "\"v1\"")
        }
    }

    /// The `{name}` parameters of a route path.
    static func parameters(in path: String) -> [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }
}
