import AcmeCore
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Documents recently read or written by this process, with their JSON once a read has encoded it, so the hot
/// `GET /v1/documents/{id}` needs neither a query nor an encoding.
///
/// Writes in this process replace entries as they commit, and an entry is only ever replaced by the same or a
/// newer version, so this process never serves a version older than one it has already served; `lifetime`
/// bounds how long a change made by another instance goes unseen. Large bodies are not kept (memory stays
/// within about `capacity × 2 × maxBodyBytes`): their entry only remembers the version, so an older copy cannot
/// come back.
struct DocumentCache: Sendable {
    enum Entry: Sendable {
        case document(Document, json: ByteBuffer?)
        /// Too large to keep; read it from the database.
        case tooLarge(version: Int64)

        var version: Int64 {
            switch self {
            case .document(let document, _): document.version
            case .tooLarge(let version): version
            }
        }
    }

    static let maxBodyBytes = 32 << 10

    private let entries = ExpiringCache<String, Entry>(lifetime: 2, capacity: 1024)

    func document(id: String, now: Date) -> (Document, json: ByteBuffer?)? {
        guard case .document(let document, let json) = entries.value(for: id, now: now) else { return nil }
        return (document, json)
    }

    func remember(_ document: Document, json: ByteBuffer? = nil, now: Date) {
        let entry: Entry = document.size <= Self.maxBodyBytes ? .document(document, json: json) : .tooLarge(version: document.version)
        entries.store(entry, for: document.id, now: now) { $0.version <= document.version }
    }
}
