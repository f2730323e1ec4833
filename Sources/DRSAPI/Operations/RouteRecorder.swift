import HTTPTypes
import Hummingbird
import Synchronization

/// A route as registered: method and path pattern (`/v3/{project_id}/jobs/batch-status`), as OpenAPI writes it.
public struct RegisteredRoute: Hashable, Sendable, CustomStringConvertible {
    public var method: String
    public var path: String

    public init(method: String, path: String) {
        self.method = method
        self.path = path
    }

    public var description: String { "\(method) \(path)" }
}

/// Registers routes on a router and remembers them, so that a test can hold `/openapi.json` and the server in step.
final class RouteRecorder<Context: RequestContext>: RouterMethods {
    let router: Router<Context>
    private let recorded = Mutex<[RegisteredRoute]>([])

    init(_ router: Router<Context>) {
        self.router = router
    }

    var routes: [RegisteredRoute] { recorded.withLock { $0 } }

    @discardableResult func on<Responder: HTTPResponder>(
        _ path: RouterPath,
        method: HTTPRequest.Method,
        responder: Responder
    ) -> Self where Responder.Context == Context {
        recorded.withLock { $0.append(RegisteredRoute(method: method.rawValue, path: path.description)) }
        router.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        router.add(middleware: middleware)
        return self
    }
}
