import JWTKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The claims of an access token.
struct AccessTokenClaims: JWTPayload, Equatable {
    static let issuer = "acme"
    static let audience = "acme-api"

    var iss: IssuerClaim
    var aud: AudienceClaim
    var sub: SubjectClaim
    /// The session (refresh-token family) the token belongs to, checked against revocations.
    var sid: String
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var jti: IDClaim

    /// Signature and algorithm are checked by jwt-kit before this runs; expiry is checked by the caller
    /// against the service's clock.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard iss.value == Self.issuer else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "unexpected issuer") }
        try aud.verifyIntendedAudience(includes: Self.audience)
    }
}
