import AcmeCore
import Hummingbird

/// Registers routes on the router and remembers them, so the OpenAPI conformance test can compare the
/// served routes with the document.
public final class RouteRecorder: RouterMethods {
    public typealias Context = AcmeRequestContext

    public struct Route: Hashable, Sendable, CustomStringConvertible {
        public var method: String
        public var path: String
        public var description: String { "\(method) \(path)" }
    }

    private let router: Router<AcmeRequestContext>
    public private(set) var routes: [Route] = []

    public init(router: Router<AcmeRequestContext>) {
        self.router = router
    }

    @discardableResult
    public func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        router.on(path, method: method, responder: responder)
        routes.append(Route(method: method.rawValue, path: path.description))
        return self
    }

    @discardableResult
    public func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        router.add(middleware: middleware)
        return self
    }
}
