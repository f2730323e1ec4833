import Configuration
import DRSDomain
import DRSLifecycle
import DRSStorage
import Foundation
import Hummingbird
import Logging
import Metrics
import ServiceLifecycle

/// Builds the `drs serve` application. The store and the simulator run as services of the application: the store is
/// prepared (migrated) before the server accepts requests, the simulator catches up on the steps that fell due while
/// no server ran, then `beforeServing` runs; the simulator ticks from then on, and both stop after the server.
///
/// Configuration keys (read through `reader`):
/// - `http.host` (string, default `127.0.0.1`), `http.port` (int, default `8080`): where to listen.
/// - `log.level` (string, default `info`): trace, debug, info, notice, warning, error or critical.
/// - `http.idle.timeout` (seconds, default 60): a connection that sends nothing for this long is closed, also in the
///   middle of a request's headers or body (never while its answer is being written).
/// - `metrics.port` (int, optional): serve `GET /metrics` on this port (same host) instead of the API's port.
///
/// `durations` scale the simulator (`--pace`); tests pass a `lifecycle` of their own (with their clock) instead.
/// `simulates: false` leaves the simulator out (tests that apply due steps themselves).
/// `metrics`, when given, counts requests, the pool, statements, imports and the simulator, served at `/metrics`.
public func buildApplication(
    reader: ConfigReader,
    store: any Store,
    limits: APILimits = APILimits(),
    now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
    durations: LifeDurations = .standard,
    lifecycle: TaskLifecycle? = nil,
    services extra: [any Service] = [],
    metrics: DRSMetrics? = nil,
    simulates: Bool = true,
    beforeServing: @escaping @Sendable () async throws -> Void = {},
    onServerRunning: @escaping @Sendable (String) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let logger = makeLogger(reader: reader)
    let lifecycle = lifecycle ?? TaskLifecycle(store: store, durations: durations)
    let simulator = Simulator(lifecycle: lifecycle, logger: logger, metrics: metrics?.factory ?? MetricsSystem.factory)
    let host = reader.string(forKey: "http.host", default: "127.0.0.1")
    let port = reader.int(forKey: "http.port", default: 8080)
    let metricsPort = reader.int(forKey: "metrics.port")
    let router = buildRoutes(
        store: store,
        limits: limits,
        now: now,
        lifecycle: lifecycle,
        metrics: metrics,
        servesMetrics: metricsPort == nil
    ).router
    // Tests that move a manual clock apply the due steps themselves (`catchUp`), in step with their checks.
    var services: [any Service] = [store] + (simulates ? [simulator] : []) + extra
    if let metrics, let metricsPort {
        services.append(metricsApplication(metrics: metrics, store: store, host: host, port: metricsPort, logger: logger))
    }
    let idleTimeout = reader.double(forKey: "http.idle.timeout", default: 60)
    var app = Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(idleTimeout * 1e9)))),
        configuration: .init(address: .hostname(host, port: port), serverName: nil),
        services: services,
        onServerRunning: { channel in
            let address = channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)"
            logger.notice("listening", metadata: ["address": .string("http://\(address)")])
            await onServerRunning(address)
        },
        logger: logger
    )
    // The schema is brought up to date once the store's service runs, before the server accepts requests.
    app.beforeServerStarts {
        try await store.prepare()
        try await lifecycle.catchUp()
        simulator.gate.open()
        try await beforeServing()
    }
    return app
}

/// The router with its middleware and routes (tests drive it directly), and every route registered on it (method and
/// path pattern).
/// - Parameter now: the clock (seconds since 1970) for token expiry, signature skew and lock-outs.
/// - Parameter lifecycle: the lifecycle the write endpoints drive (default: standard durations, the system clock).
/// - Parameter servesMetrics: whether `GET /metrics` is a route here (not when metrics have a port of their own).
public func buildRoutes(
    store: any Store,
    limits: APILimits = APILimits(),
    now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
    lifecycle: TaskLifecycle? = nil,
    metrics: DRSMetrics? = nil,
    servesMetrics: Bool = true
) -> (router: Router<AppRequestContext>, routes: [RegisteredRoute]) {
    let router = Router(context: AppRequestContext.self)
    router.middlewares.add(RequestEnvelopeMiddleware(metrics: metrics))
    router.middlewares.add(GzipMiddleware())
    let routes = RouteRecorder(router)
    OperationsController(store: store, metrics: metrics).addRoutes(to: routes, servesMetrics: servesMetrics)
    ConsoleController().addRoutes(to: routes)
    let authenticator = Authenticator(store: store, now: now)
    // One front door for every task route: body limit, credentials, the project wall, rate limit, Content-Type.
    let jobs = routes.group("/v3/:project_id/jobs").add(middleware: ProjectFrontDoor(authenticator: authenticator, limits: limits))
    JobsController(store: store, limits: limits).addRoutes(to: jobs)
    LifecycleController(lifecycle: lifecycle ?? TaskLifecycle(store: store)).addRoutes(to: jobs)
    IdentityController(store: store, authenticator: authenticator, limits: limits).addRoutes(to: routes)
    return (router, routes.routes)
}

/// `GET /metrics` alone, on a port of its own (`--metrics-port`), as a service of the main application.
func metricsApplication(metrics: DRSMetrics, store: any Store, host: String, port: Int, logger: Logger) -> some Service {
    let router = Router()
    OperationsController.addMetricsRoute(to: router, metrics: metrics, store: store)
    let metricsLogger = {
        var metricsLogger = logger
        metricsLogger[metadataKey: "server"] = "metrics"
        return metricsLogger
    }()
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: nil),
        onServerRunning: { channel in
            let address = channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)"
            metricsLogger.notice("serving metrics", metadata: ["url": .string("http://\(address)/metrics")])
        },
        logger: metricsLogger
    )
}

/// The process logger, at `log.level`.
public func makeLogger(reader: ConfigReader, label: String = "drs") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = reader.string(forKey: "log.level").flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
    return logger
}
