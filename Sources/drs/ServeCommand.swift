import ArgumentParser
import Configuration
import DRSAPI
import DRSDomain
import DRSLifecycle
import DRSStorage
import Foundation
import Hummingbird
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the API server until SIGINT or SIGTERM, then shut down gracefully."
    )

    @Option(help: "Address to listen on. Default: $HTTP_HOST, else 127.0.0.1.") var host: String?
    @Option(help: "Port to listen on (0: any free port). Default: $HTTP_PORT, else 8080.") var port: Int?
    @Option(
        help: "Multiply every simulated duration of the task lifecycle by this factor (a decimal >= 0; 0: each step at the next tick)."
    ) var pace: String = "1"
    @Option(help: "Requests per second per project, with a burst of twice as many (counted per process). Default: no limit.")
    var rateLimit: Double?
    @Option(help: "Serve GET /metrics on this port instead of the API's port. Default: $METRICS_PORT, else the API's port.")
    var metricsPort: Int?
    @Option(help: "Seconds a connection may send nothing (also in the middle of a request) before it is closed.")
    var idleTimeout: Double = 60
    @Option(help: "Streamed task lists that read the database at once; more wait their turn.") var maxStreams: Int = 2
    @Option(help: "Seconds a streamed list waits for a client that takes no data before it cuts the answer off.")
    var streamStallTimeout: Double = 30
    @Option(
        help:
            "Seconds a graceful shutdown (SIGTERM, SIGINT) waits for requests in flight before it cancels them; cancelled work that still has not ended after 5 more seconds stops the process."
    )
    var shutdownTimeout: Double = 30
    @Option(
        help:
            "SQLite: MiB of task names kept in memory for name searches (0: every name search reads the FTS5 index). Default: $DRS_NAME_MEMORY, else 512."
    )
    var nameMemory: Int?
    @Flag(inversion: .prefixedNo, help: "Count requests, the pool, statements and the simulator, served at GET /metrics.")
    var metrics = true
    @Flag(help: "Seed the demo project on an empty database, then print a token and a curl command.") var demo = false
    @OptionGroup var options: DatabaseOptions

    func validate() throws {
        guard LifeDurations.pace(pace) != nil else { throw ValidationError("--pace must be a decimal number >= 0, not \(pace)") }
        if let rateLimit, !(rateLimit > 0 && rateLimit.isFinite) { throw ValidationError("--rate-limit must be a number > 0") }
        guard idleTimeout > 0, idleTimeout.isFinite else { throw ValidationError("--idle-timeout must be a number of seconds > 0") }
        if let metricsPort, !(0...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be 0-65535") }
        guard maxStreams >= 1 else { throw ValidationError("--max-streams must be at least 1") }
        if let nameMemory, !(0...(1 << 30)).contains(nameMemory) { throw ValidationError("--name-memory must be a number of MiB >= 0") }
        guard streamStallTimeout > 0, streamStallTimeout.isFinite else {
            throw ValidationError("--stream-stall-timeout must be a number of seconds > 0")
        }
        guard shutdownTimeout > 0, shutdownTimeout.isFinite else {
            throw ValidationError("--shutdown-timeout must be a number of seconds > 0")
        }
    }

    func run() async throws {
        let paceFactor = LifeDurations.pace(pace) ?? 1
        Self.tuneAllocator()
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        if let host { values["http.host"] = .init(.string(host), isSecret: false) }
        if let port { values["http.port"] = .init(.int(port), isSecret: false) }
        if let metricsPort { values["metrics.port"] = .init(.int(metricsPort), isSecret: false) }
        if let nameMemory { values["drs.name.memory"] = .init(.int(nameMemory), isSecret: false) }
        values["http.idle.timeout"] = .init(.double(idleTimeout), isSecret: false)
        let reader = options.configReader(values)
        let logger = makeLogger(reader: reader)
        // Every metric of the process, the libraries' included, goes to this registry.
        let metrics = self.metrics ? DRSMetrics() : nil
        if let metrics { MetricsSystem.bootstrap(metrics.factory) }
        var limits = APILimits()
        limits.rateLimit = rateLimit
        limits.maxConcurrentStreams = maxStreams
        limits.streamStall = .milliseconds(Int64(streamStallTimeout * 1000))
        let store = try await options.openStore(reader)
        let demo = self.demo
        // Set once the demo project is ready (before the server starts), printed once it listens.
        let demoTokens = DemoTokens()
        let lifecycle = TaskLifecycle(store: store, durations: LifeDurations(pace: paceFactor))
        let live = LiveDemo(lifecycle: lifecycle, logger: logger)
        let app = buildApplication(
            reader: reader,
            store: store,
            limits: limits,
            lifecycle: lifecycle,
            services: demo ? [live] : [],
            metrics: metrics,
            beforeServing: {
                guard demo else { return }
                if try await DemoProject.seed(store) {
                    logger.notice("seeded the demo project", metadata: ["project": .string(DemoProject.id)])
                }
                if try await LiveDemo.seed(store) {
                    logger.notice("created the live demo project", metadata: ["project": .string(LiveDemo.projectID)])
                    live.gate.open()
                } else {
                    live.closed.open()
                }
                let secret = try await store.tokenSecret()
                let now = Int64(Date().timeIntervalSince1970)
                let token = ProjectToken(projectID: DemoProject.id, issuedAt: now, expiresAt: now + 86_400).encoded(secret: secret)
                let liveToken = ProjectToken(projectID: LiveDemo.projectID, issuedAt: now, expiresAt: now + 86_400).encoded(secret: secret)
                demoTokens.value.withLock { $0 = (token, liveToken) }
            },
            onServerRunning: { address in
                if let tokens = demoTokens.value.withLock({ $0 }) { Self.printDemo(tokens: tokens, address: address) }
            }
        )
        // The store is a service of the application: it closes after the server has stopped. A shutdown has a time
        // limit: requests still in flight after it are cancelled, and work that ignores its cancellation (a statement
        // waiting on a database that went away) cannot keep the process running for ever.
        let limit = Duration.milliseconds(Int64(shutdownTimeout * 1000))
        let clock = ShutdownClock()
        var group = ServiceGroupConfiguration(
            services: [.init(service: app), .init(service: clock)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        group.maximumGracefulShutdownDuration = limit
        group.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: group).run()
        if let elapsed = clock.elapsed, elapsed >= limit {
            logger.warning(
                "the shutdown reached its time limit: requests still in flight were cancelled",
                metadata: ["limit_seconds": "\(shutdownTimeout)"]
            )
        }
        logger.notice("stopped")
    }

    /// glibc gives freed memory back to the kernel as soon as the top of a heap is free; each request then faults
    /// the same pages in again. Keeping up to 64 MiB measured 10-15 % more requests per second (docs/performance.md).
    /// Large answers are taken from the heap too: a fresh mapping per answer costs the same page faults.
    static func tuneAllocator() {
        #if os(Linux)
        _ = glibcMallopt(-1, 64 << 20)  // M_TRIM_THRESHOLD
        _ = glibcMallopt(-2, 16 << 20)  // M_TOP_PAD
        // Answers of 100 tasks pass 128 KiB: from the heap, not a fresh mapping (and its page faults) per request.
        _ = glibcMallopt(-3, 8 << 20)  // M_MMAP_THRESHOLD
        #endif
    }

    static func printDemo(tokens: (demo: String, live: String), address: String) {
        let token = tokens.demo
        let text = """
            Demo project \(DemoProject.id) is ready. Token (valid 24 hours):

            export DRS_TOKEN='\(token)'

            Open the console at http://\(address)/console and sign in with that project ID and token.

            List its real-time migration tasks:

            curl -s -X POST http://\(address)/v3/\(DemoProject.id)/jobs \\
              -H 'Content-Type: application/json' -H "X-Auth-Token: $DRS_TOKEN" \\
              -d '{"cur_page": 1, "per_page": 5, "db_use_type": "migration", "engine_type": ""}'

            Live project \(LiveDemo.projectID): tasks moving through the lifecycle. \(LiveDemo.names[0]) reaches
            incremental transfer; \(LiveDemo.names[1]) fails to start and can be retried (batch-retry-task). Token:

            export DRS_LIVE_TOKEN='\(tokens.live)'

            curl -s -X POST http://\(address)/v3/\(LiveDemo.projectID)/jobs \\
              -H 'Content-Type: application/json' -H "X-Auth-Token: $DRS_LIVE_TOKEN" \\
              -d '{"db_use_type": "migration", "engine_type": ""}'

            """
        // Straight to the file descriptor: stdout may be a pipe, where print() would sit in a buffer.
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

/// The demo tokens (reference project, live project), set before the server starts and printed once it listens.
private final class DemoTokens: Sendable {
    let value = Mutex<(String, String)?>(nil)
}

#if os(Linux)
/// glibc's `mallopt` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("mallopt") private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
