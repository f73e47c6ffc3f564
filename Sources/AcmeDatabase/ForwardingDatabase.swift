import Logging
import NIOCore
import SQLKit

/// A database that is another one (`forwarded`) except for how it executes statements, or whatever else its type
/// implements itself.
protocol ForwardingDatabase: SQLDatabase {
    var forwarded: any SQLDatabase { get }
}

extension ForwardingDatabase {
    var logger: Logger { forwarded.logger }
    var eventLoop: any EventLoop { forwarded.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { forwarded.version }
    var dialect: any SQLDialect { forwarded.dialect }
    var queryLogLevel: Logger.Level? { forwarded.queryLogLevel }
}
