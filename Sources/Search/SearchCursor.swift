import AcmeCore

/// The `cursor` of a search: how many hits the next page skips, bound to the query and filters it came from,
/// so a cursor replayed with a different search is a 400 rather than a silently wrong page.
struct SearchCursor: Equatable {
    var offset: Int
    var fingerprint: String

    init(offset: Int, request: SearchRequest) {
        self.offset = offset
        self.fingerprint = Self.fingerprint(request)
    }

    var encoded: String { Cursor.encode(["search", String(offset), fingerprint]) }

    /// The offset `values` (a decoded cursor) carry for `request`, or nil if they are not its cursor.
    static func offset(_ values: [String], for request: SearchRequest) -> Int? {
        guard values.count == 3, values[0] == "search", let offset = Int(values[1]),
              (1...SearchService.maxOffset).contains(offset), values[2] == fingerprint(request)
        else { return nil }
        return offset
    }

    /// FNV-1a over the canonical query and filters (not the page position or size).
    static func fingerprint(_ request: SearchRequest) -> String {
        let canonical = [
            request.query.description, request.kinds.map(\.rawValue).sorted().joined(separator: ","),
            request.projectId ?? "", request.tag ?? "", request.author ?? "",
            request.updatedAfter.map { String(Timestamp.millis($0)) } ?? "",
            request.updatedBefore.map { String(Timestamp.millis($0)) } ?? "",
        ].joined(separator: "\u{1F}")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in canonical.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return String(hash, radix: 36)
    }
}
