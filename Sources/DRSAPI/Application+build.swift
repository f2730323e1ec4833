import Configuration
import DRSDomain
import DRSStorage
import Foundation
import Hummingbird
import Logging

/// Builds the `drs serve` application. The store runs as a service of the application: it is prepared (migrated)
/// before the server accepts requests, then `beforeServing` runs, and it closes after the server has stopped.
///
/// Configuration keys (read through `reader`):
/// - `http.host` (string, default `127.0.0.1`), `http.port` (int, default `8080`): where to listen.
/// - `log.level` (string, default `info`): trace, debug, info, notice, warning, error or critical.
public func buildApplication(
    reader: ConfigReader,
    store: any Store,
    limits: APILimits = APILimits(),
    now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
    beforeServing: @escaping @Sendable () async throws -> Void = {},
    onServerRunning: @escaping @Sendable (String) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let logger = makeLogger(reader: reader)
    let router = buildRouter(store: store, limits: limits, now: now)
    let host = reader.string(forKey: "http.host", default: "127.0.0.1")
    let port = reader.int(forKey: "http.port", default: 8080)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: nil),
        services: [store],
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
        try await beforeServing()
    }
    return app
}

/// The router with its middleware and routes; tests drive it directly.
/// - Parameter now: the clock (seconds since 1970) for token expiry, signature skew and lock-outs.
public func buildRouter(
    store: any Store,
    limits: APILimits = APILimits(),
    now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.middlewares.add(RequestEnvelopeMiddleware())
    let authenticator = Authenticator(store: store, now: now)
    JobsController(store: store, authenticator: authenticator, limits: limits).addRoutes(to: router)
    IdentityController(store: store, authenticator: authenticator, limits: limits).addRoutes(to: router)
    return router
}

/// The process logger, at `log.level`.
public func makeLogger(reader: ConfigReader, label: String = "drs") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = reader.string(forKey: "log.level").flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
    return logger
}
