import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `?limit=&cursor=` of every list endpoint.
public struct PageRequest: Sendable, Equatable {
    public static let defaultLimit = 20
    public static let maxLimit = 100

    public var limit: Int
    /// The sort key values of the last item of the previous page, decoded from the opaque cursor.
    public var after: [String]?

    public init(limit: Int = PageRequest.defaultLimit, after: [String]? = nil) {
        self.limit = limit
        self.after = after
    }

    /// Parses and validates `limit` (1…100) and `cursor` (as produced by `Page.nextCursor`).
    public init(_ request: Request) throws(AcmeError) {
        let query = request.uri.queryParameters
        var errors: [FieldError] = []
        limit = Self.defaultLimit
        if let raw = query["limit"] {
            if let value = Int(String(raw)), (1...Self.maxLimit).contains(value) {
                limit = value
            } else {
                errors.append(FieldError(field: "limit", message: "must be an integer from 1 to \(Self.maxLimit)"))
            }
        }
        after = nil
        if let raw = query["cursor"], !raw.isEmpty {
            if let values = Cursor.decode(String(raw)) {
                after = values
            } else {
                errors.append(FieldError(field: "cursor", message: "is not a cursor returned by this endpoint"))
            }
        }
        if !errors.isEmpty { throw .invalidQuery(errors) }
    }
}

/// A page of a list: `{"items": […], "nextCursor": "…"}`; `nextCursor` is null on the last page.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable, ResponseEncodable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// Builds a page from up to `limit + 1` rows: the extra row only signals that another page exists.
    public init(rows: [Item], limit: Int, cursorValues: (Item) -> [String]) {
        self.init(rows: rows, limit: limit, item: { $0 }, cursorValues: cursorValues)
    }

    /// The same from rows that carry more than the item (e.g. a search score for the cursor).
    public init<Row>(rows: [Row], limit: Int, item: (Row) -> Item, cursorValues: (Row) -> [String]) {
        let kept = rows.prefix(limit)
        items = kept.map(item)
        nextCursor = rows.count > limit ? kept.last.map { Cursor.encode(cursorValues($0)) } : nil
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)  // explicit null on the last page
    }

    enum CodingKeys: String, CodingKey { case items, nextCursor }
}

/// Opaque keyset cursors: base64url of a JSON array of the sort key values.
public enum Cursor {
    public static func encode(_ values: [String]) -> String {
        let data = (try? JSONEncoder().encode(values)) ?? Data()
        return data.base64URLEncodedString()
    }

    public static func decode(_ cursor: String) -> [String]? {
        guard cursor.utf8.count <= 1024, let data = Data(base64URLEncoded: cursor) else { return nil }
        return try? JSONDecoder().decode([String].self, from: data)
    }
}
