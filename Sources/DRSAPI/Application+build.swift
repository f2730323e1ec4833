import Configuration
import DRSDomain
import DRSLifecycle
import DRSStorage
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the `drs serve` application. The store and the simulator run as services of the application: the store is
/// prepared (migrated) before the server accepts requests, the simulator catches up on the steps that fell due while
/// no server ran, then `beforeServing` runs; the simulator ticks from then on, and both stop after the server.
///
/// Configuration keys (read through `reader`):
/// - `http.host` (string, default `127.0.0.1`), `http.port` (int, default `8080`): where to listen.
/// - `log.level` (string, default `info`): trace, debug, info, notice, warning, error or critical.
///
/// `durations` scale the simulator (`--pace`); tests pass a `lifecycle` of their own (with their clock) instead.
public func buildApplication(
    reader: ConfigReader,
    store: any Store,
    limits: APILimits = APILimits(),
    now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
    durations: LifeDurations = .standard,
    lifecycle: TaskLifecycle? = nil,
    services extra: [any Service] = [],
    beforeServing: @escaping @Sendable () async throws -> Void = {},
    onServerRunning: @escaping @Sendable (String) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let logger = makeLogger(reader: reader)
    let lifecycle = lifecycle ?? TaskLifecycle(store: store, durations: durations)
    let simulator = Simulator(lifecycle: lifecycle, logger: logger)
    let router = buildRouter(store: store, limits: limits, now: now, lifecycle: lifecycle)
    let host = reader.string(forKey: "http.host", default: "127.0.0.1")
    let port = reader.int(forKey: "http.port", default: 8080)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: nil),
        services: [store, simulator] + extra,
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

/// The router with its middleware and routes; tests drive it directly.
/// - Parameter now: the clock (seconds since 1970) for token expiry, signature skew and lock-outs.
/// - Parameter lifecycle: the lifecycle the write endpoints drive (default: standard durations, the system clock).
public func buildRouter(
    store: any Store,
    limits: APILimits = APILimits(),
    now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
    lifecycle: TaskLifecycle? = nil
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.middlewares.add(RequestEnvelopeMiddleware())
    let authenticator = Authenticator(store: store, now: now)
    // One front door for every task route: body limit, credentials, the project wall, Content-Type.
    let jobs = router.group("/v3/:project_id/jobs").add(middleware: ProjectFrontDoor(authenticator: authenticator, limits: limits))
    JobsController(store: store, limits: limits).addRoutes(to: jobs)
    LifecycleController(lifecycle: lifecycle ?? TaskLifecycle(store: store)).addRoutes(to: jobs)
    IdentityController(store: store, authenticator: authenticator, limits: limits).addRoutes(to: router)
    return router
}

/// The process logger, at `log.level`.
public func makeLogger(reader: ConfigReader, label: String = "drs") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = reader.string(forKey: "log.level").flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
    return logger
}
