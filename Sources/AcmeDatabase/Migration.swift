import SQLKit

/// One schema change, applied once per database in the order a service lists them.
/// Names are permanent: they are how the migrations table remembers what ran.
public protocol Migration: Sendable {
    var name: String { get }
    func prepare(on database: any SQLDatabase) async throws
}
