import AcmeCore
import AcmeDatabase
import SQLKit

/// The Project service's copy of users' names and addresses, kept from `acme.users.events`.
/// Applying an event is idempotent and ordered by the profile version: older or repeated events change
/// nothing, and a deleted user stays deleted (a tombstone keeps its version).
struct UserDirectory: Sendable {
    struct Entry: Sendable, Equatable {
        var userId: String
        var email: String?
        var name: String?
        var version: Int64
        var deleted: Bool
    }

    func entry(userId: String, on db: any SQLDatabase) async throws -> Entry? {
        try await db.select().column("*").from("user_directory").where("user_id", .equal, userId).first().map { row in
            Entry(
                userId: try row.string("user_id"), email: try row.optionalString("email"), name: try row.optionalString("name"),
                version: try row.decode(column: "version", as: Int64.self), deleted: try row.decode(column: "deleted", as: Bool.self))
        }
    }

    /// Applies a profile state; returns false when it is not newer than what is stored.
    @discardableResult
    func apply(_ entry: Entry, on db: any SQLDatabase) async throws -> Bool {
        if let current = try await self.entry(userId: entry.userId, on: db), current.version >= entry.version { return false }
        try await db.insert(into: "user_directory").columns("user_id", "email", "name", "version", "deleted")
            .values(SQLBind(entry.userId), SQLBind(entry.email), SQLBind(entry.name), SQLBind(entry.version), SQLBind(entry.deleted))
            .onConflict(with: ["user_id"]) {
                $0.set(excludedValueOf: "email").set(excludedValueOf: "name").set(excludedValueOf: "version").set(excludedValueOf: "deleted")
            }
            .run()
        return true
    }
}
