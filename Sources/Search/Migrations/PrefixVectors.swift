import AcmeDatabase
import SQLKit

/// PostgreSQL: every entry's vector is built again, now with ``TSVector``'s prefix lexemes and pair hashes, which
/// ``TSQuery`` looks prefixes of 3 and 4 characters and phrases up by.
struct PrefixVectors: Migration {
    let name = "PrefixVectors"

    func prepare(on db: any SQLDatabase) async throws {
        guard db.isPostgres else { return }
        try await PairedVectors.rebuildVectors(on: db)
    }
}
