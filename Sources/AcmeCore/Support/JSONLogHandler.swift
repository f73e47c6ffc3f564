import Logging
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// swift-log handler writing one JSON object per line to stdout:
/// `{"ts":"…","level":"info","label":"…","msg":"…","requestId":"…",…}`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let output: LogOutput

    public init(label: String, level: Logger.Level, output: LogOutput = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "{\"ts\":\"\(Timestamp.format(Date()))\",\"level\":\"\(event.level.rawValue)\",\"label\":"
        JSONText.appendString(label, to: &line)
        line += ",\"msg\":"
        JSONText.appendString(event.message.description, to: &line)
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) where key != "ts" && key != "msg" {
            line += ","
            JSONText.appendString(key, to: &line)
            line += ":"
            JSONText.appendString(value.description, to: &line)
        }
        if event.level >= .error, event.source != "" {
            line += ",\"source\":"
            JSONText.appendString("\(event.file):\(event.line)", to: &line)
        }
        line += "}\n"
        output.write(line)
    }

}

/// Where log lines go; a lock keeps lines from interleaving.
public final class LogOutput: Sendable {
    private let lock = Mutex(())
    private let fd: Int32

    init(fd: Int32) { self.fd = fd }

    public static let standardOutput = LogOutput(fd: 1)

    func write(_ line: String) {
        lock.withLock { _ in
            var line = line
            line.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }
}
