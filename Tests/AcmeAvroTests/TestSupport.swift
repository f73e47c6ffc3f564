import AcmeTestSupport
import Foundation
import Testing
@testable import AcmeAvro

/// Paths and processes the tests need: the repository (found from this file, through the symlinks a
/// throwaway package may use), its schemas, and `python3` / `git`.
enum TestSupport {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var schemasDirectory: URL { repoRoot.appendingPathComponent("schemas") }

    /// The `.avsc` file names in `schemas/`, sorted.
    static func schemaFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: schemasDirectory.path).filter { $0.hasSuffix(".avsc") }.sorted()
    }

    static func schemaText(_ file: String) throws -> String {
        try String(contentsOf: schemasDirectory.appendingPathComponent(file), encoding: .utf8)
    }

    static func schema(_ file: String) throws -> AvroSchema {
        try AvroSchema(parsing: try schemaText(file))
    }

    struct ProcessResult {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    /// Runs `arguments` (the program looked up on PATH), feeding `input`. Standard streams go through
    /// temporary files, so no pipe can fill up and block either side.
    static func run(_ arguments: [String], input: Data = Data(), in directory: URL? = nil) throws -> ProcessResult {
        let inputFile = temporaryFile(".in"), outputFile = temporaryFile(".out"), errorFile = temporaryFile(".err")
        defer { for file in [inputFile, outputFile, errorFile] { try? FileManager.default.removeItem(at: file) } }
        try input.write(to: inputFile)
        let status = Shell.spawn(
            arguments, stdin: inputFile.path, stdout: outputFile.path, stderr: errorFile.path, directory: directory?.path)
        return ProcessResult(
            status: status, stdout: try Data(contentsOf: outputFile),
            stderr: String(decoding: try Data(contentsOf: errorFile), as: UTF8.self))
    }

    /// A fresh temporary file path.
    static func temporaryFile(_ suffix: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("acme-avro-\(UUID().uuidString)\(suffix)")
    }
}
