/// Turns a bearer credential into a `Principal`. The Auth service implements it; the gateway's
/// authentication middleware calls it for every request that carries `Authorization: Bearer …`.
public protocol Authenticator: Sendable {
    /// Throws `AcmeError.unauthorized` for anything that is not a live credential.
    func authenticate(bearer token: String) async throws -> Principal
}
