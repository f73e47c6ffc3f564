import AcmeServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The OpenAPI document and the server agree: every served route is documented, every documented
/// operation is served, and the document is served as-is at /v1/openapi.yaml.
@Suite struct OpenAPIConformanceTests {
    static var documentURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../schemas/openapi.yaml").standardized
    }

    /// (METHOD, path) pairs from the document's `paths`, read with a small line scanner: path keys are
    /// indented two spaces, method keys four.
    static func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOf: documentURL, encoding: .utf8)
        var operations = Set<String>()
        var inPaths = false
        var currentPath: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            if inPaths, let first = line.first, first != " ", first != "#" { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /") || line.hasPrefix("  '/") || line.hasPrefix("  \"/") {
                currentPath = line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "'", with: "")
                    .replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: ":", with: "")
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path = currentPath {
                let key = line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ":", with: "")
                if methods.contains(key) { operations.insert("\(key.uppercased()) \(path)") }
            }
        }
        return operations
    }

    @Test func everyRouteIsDocumentedAndEveryOperationServed() async throws {
        try await TestApp.run { app in
            let served = Set(app.routes.map(\.description))
            let documented = try Self.documentedOperations()
            #expect(!documented.isEmpty)
            #expect(served.subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
            #expect(documented.subtracting(served).sorted() == [], "documented operations the server does not serve")
        }
    }

    @Test func documentIsServed() async throws {
        try await TestApp.run { app in
            let response = try await app.request(.get, "/v1/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/yaml")
            #expect(response.bodyString == (try String(contentsOf: Self.documentURL, encoding: .utf8)))
        }
    }
}
