import AcmeDatabase
import Logging

@testable import AcmeServer

extension TestApp {
    /// The config this app was built with, as far as where its data lives goes.
    var storageConfig: AcmeConfig {
        var config = TestApp.config(dataDir: dataDir)
        config.databaseSchemaPrefix = schemaPrefix
        return config
    }

    /// Runs `body` with a connection of its own to service `name`'s database, as another instance of the
    /// service (or an operator) would have.
    func withDatabase<T: Sendable>(_ name: String, _ body: (any Database) async throws -> T) async throws -> T {
        let database = try await AcmeServer.connect(name, config: storageConfig, logger: Logger(label: "test"))
        do {
            let result = try await body(database)
            try await database.close()
            return result
        } catch {
            try? await database.close()
            throw error
        }
    }
}
