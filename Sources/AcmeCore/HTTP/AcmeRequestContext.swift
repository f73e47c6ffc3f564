import Hummingbird
import NIOCore

/// The request context of every Acme route: the verified caller, the request id and client facts.
public struct AcmeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the gateway's authentication middleware when a valid credential is presented.
    public var principal: Principal?
    /// Set by the request-id middleware; echoed as `X-Request-Id`.
    public var requestId: String
    /// The TCP peer address (forwarded-for headers are not trusted).
    public var clientAddress: String
    /// Request body limit, 1 MiB unless a route group raises it.
    public var maxUploadSize: Int

    public static let defaultMaxUploadSize = 1 << 20

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        requestId = ""
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        maxUploadSize = Self.defaultMaxUploadSize
    }

    public var requestDecoder: AcmeRequestDecoder { AcmeRequestDecoder() }
    public var responseEncoder: CompactResponseEncoder { CompactResponseEncoder() }

    /// The caller, or 401 if the request carried no valid credential.
    public func requirePrincipal() throws(AcmeError) -> Principal {
        guard let principal else { throw .unauthorized() }
        return principal
    }

    /// The caller after checking an API token's scope (sessions pass every scope check).
    public func requirePrincipal(_ scope: Scope) throws(AcmeError) -> Principal {
        let principal = try requirePrincipal()
        try principal.require(scope)
        return principal
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
