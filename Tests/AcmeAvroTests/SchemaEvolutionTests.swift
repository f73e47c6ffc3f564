import Foundation
import Testing
@testable import AcmeAvro

/// The evolution rule (schemas/README.md): a topic schema only changes in backward-compatible ways, so the
/// schema in the working tree must read data written with every version of it in git: the one at HEAD and
/// each one an earlier commit had. Without git or history there is nothing to compare.
@Suite struct SchemaEvolutionTests {
    static let files = (try? TestSupport.schemaFiles()) ?? []

    private static func git(_ arguments: [String], in root: URL) -> Data? {
        guard let result = try? TestSupport.run(["git", "-C", root.path] + arguments), result.status == 0 else { return nil }
        return result.stdout
    }

    /// What keeps `current` from reading data written with the versions of `path` in the repository at `root`.
    static func incompatibilities(of current: AvroSchema, withHistoryOf path: String, in root: URL) throws -> [String] {
        guard git(["rev-parse", "--verify", "HEAD"], in: root) != nil else { return [] }
        let log = git(["log", "--format=%H", "--", path], in: root).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var seen: Set<Data> = []
        var problems: [String] = []
        for revision in ["HEAD"] + log.split(separator: "\n").map(String.init) {
            guard let text = git(["show", "\(revision):\(path)"], in: root), seen.insert(text).inserted else { continue }
            let old = try AvroSchema(parsing: String(decoding: text, as: UTF8.self))
            problems += AvroCompatibility.check(reader: current, writer: old).map { "\(path)@\(revision.prefix(12)): \($0)" }
        }
        return problems
    }

    @Test func schemaFilesExist() {
        #expect(Self.files.count >= 4)
    }

    @Test(arguments: files)
    func schemaReadsEveryEarlierVersionOfItself(file: String) throws {
        let problems = try Self.incompatibilities(of: TestSupport.schema(file), withHistoryOf: "schemas/" + file, in: TestSupport.repoRoot)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func anIncompatibleChangeToACommittedSchemaIsCaught() throws {
        let root = TestSupport.temporaryFile("-repo")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("schemas"), withIntermediateDirectories: true)
        let v1 = #"{"type":"record","name":"E","fields":[{"name":"a","type":"string"}]}"#
        try Data(v1.utf8).write(to: root.appendingPathComponent("schemas/e.avsc"))
        let identity = ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"]
        guard Self.git(["init", "-q"], in: root) != nil, Self.git(["add", "."], in: root) != nil,
              Self.git(identity + ["commit", "-q", "-m", "v1"], in: root) != nil else {
            return  // No usable git here; the history check above has nothing to compare either.
        }
        let compatible = try AvroSchema(parsing: #"{"type":"record","name":"E","fields":[{"name":"a","type":"string"},{"name":"b","type":["null","long"],"default":null}]}"#)
        #expect(try Self.incompatibilities(of: compatible, withHistoryOf: "schemas/e.avsc", in: root).isEmpty)
        let incompatible = try AvroSchema(parsing: #"{"type":"record","name":"E","fields":[{"name":"a","type":"string"},{"name":"b","type":"long"}]}"#)
        let problems = try Self.incompatibilities(of: incompatible, withHistoryOf: "schemas/e.avsc", in: root)
        #expect(problems.count == 1)
        #expect(problems.first?.hasSuffix("E.b: field added without a default") == true)
    }
}
