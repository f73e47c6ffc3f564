import NIOSSL

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `postgres://user:password@host:port/database?sslmode=disable|prefer|require|verify-full`.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case invalid(String)
        public var description: String {
            switch self {
            case .invalid(let reason): "invalid database URL: \(reason)"
            }
        }
    }

    public init(_ string: String) throws(Failure) {
        guard let components = URLComponents(string: string), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme)
        else { throw .invalid("expected postgres://user:password@host:port/database") }
        guard let host = components.host, !host.isEmpty else { throw .invalid("no host") }
        guard let user = components.user, !user.isEmpty else { throw .invalid("no user name") }
        let name = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !name.isEmpty, !name.contains("/") else { throw .invalid("no database name") }
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? SSLMode.prefer.rawValue
        guard let sslMode = SSLMode(rawValue: mode) else { throw .invalid("sslmode must be disable, prefer, require or verify-full") }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password?.removingPercentEncoding
        self.database = name
        self.sslMode = sslMode
    }

    /// The same server with another database: each service gets its own (`acme_auth`, `acme_user`, …).
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// Without the password, for logs.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }

    func tls() throws -> PostgresClient.Configuration.TLS {
        guard let (configuration, required) = tlsConfiguration else { return .disable }
        return required ? .require(configuration) : .prefer(configuration)
    }

    /// The same for a single connection (start-up diagnosis).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var tls = PostgresConnection.Configuration.TLS.disable
        if let (configuration, required) = tlsConfiguration {
            let context = try NIOSSLContext(configuration: configuration)
            tls = required ? .require(context) : .prefer(context)
        }
        return PostgresConnection.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    /// nil: no TLS; else the client configuration and whether TLS is required.
    private var tlsConfiguration: (TLSConfiguration, required: Bool)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable: return nil
        case .prefer:
            configuration.certificateVerification = .none
            return (configuration, false)
        case .require:
            // libpq's "require": encrypted, but the certificate is not checked.
            configuration.certificateVerification = .none
            return (configuration, true)
        case .verifyFull:
            return (configuration, true)
        }
    }
}

import PostgresNIO
