import DRSStorage
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The routes for operators, without credentials: `GET /healthz` (the process answers), `GET /readyz` (the database
/// answers a trivial query within ``readinessDeadline``, else 503), `GET /openapi.json` (the API's description) and,
/// unless metrics have a port of their own, `GET /metrics`.
struct OperationsController: Sendable {
    let store: any Store
    let metrics: DRSMetrics?
    var readinessDeadline: Duration = .seconds(2)

    func addRoutes(to router: some RouterMethods<AppRequestContext>, servesMetrics: Bool) {
        router.get("/healthz") { _, _ in Self.status("ok", .ok) }
        router.get("/readyz", use: ready)
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_json))
            )
        }
        if servesMetrics, let metrics { Self.addMetricsRoute(to: router, metrics: metrics, store: store) }
    }

    /// `GET /metrics` on `router` (the main one, or the router of `--metrics-port`).
    static func addMetricsRoute<Context: RequestContext>(to router: some RouterMethods<Context>, metrics: DRSMetrics, store: any Store) {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: metrics.render(store: store))
            )
        }
    }

    /// The probe runs in a task of its own: a database that hangs (a lock held, a network that drops packets) must not
    /// hold the answer past the deadline, whether or not the wait for it notices cancellation.
    @Sendable func ready(request: Request, context: AppRequestContext) async throws -> Response {
        let store = self.store
        let deadline = readinessDeadline
        let answered = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let answer = FirstAnswer(continuation)
            Task { answer.give((try? await store.ping()) != nil) }
            Task {
                try? await Task.sleep(for: deadline)
                answer.give(false)
            }
        }
        return answered ? Self.status("ready", .ok) : Self.status("unavailable", .serviceUnavailable)
    }

    private static func status(_ text: String, _ status: HTTPResponse.Status) -> Response {
        var buffer = ByteBuffer()
        buffer.writeStaticString("{\"status\":")
        buffer.writeJSONString(text)
        buffer.writeInteger(UInt8(ascii: "}"))
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: buffer))
    }
}

/// Resumes a continuation with the first answer given; later ones are ignored.
private final class FirstAnswer: Sendable {
    private let continuation: Mutex<CheckedContinuation<Bool, Never>?>

    init(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation = Mutex(continuation)
    }

    func give(_ answer: Bool) {
        let waiting = continuation.withLock { continuation in
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(returning: answer)
    }
}
