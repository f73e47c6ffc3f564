import Hummingbird

/// The ceiling for `scripts/bench`: a bare Hummingbird server answering "Hello" on /, built with the same
/// settings as acme-server, so the API's throughput can be read as a fraction of the framework's.
let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 18181
let router = Router()
router.get("/") { _, _ in "Hello" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "bench-hello"))
try await app.runService()
