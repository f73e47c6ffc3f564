import AcmeDatabase
import ServiceLifecycle

/// Closes the databases after every other service has stopped (it is first in the service list, and
/// services shut down in reverse order).
struct DatabaseCloser: Service {
    let databases: [any Database]

    func run() async throws {
        try? await gracefulShutdown()
        for database in databases { try? await database.close() }
    }
}
