import DRSStorage
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// The simulator of `drs serve` (`lifecycle.md` §5.5, §9) as a service of the application: a round every `interval`
/// until graceful shutdown, which lets the step being applied finish (pending steps stay stored).
///
/// A round applies at most `stepsPerSecond × interval` steps (oldest due first): a burst of due steps (ten thousand
/// tasks started at once) is spread over the next seconds instead of taking the processor from the queries. Each
/// step still takes its own due time, and several processes on one PostgreSQL share the work. The start-up
/// catch-up is not limited.
public struct Simulator: Service {
    public let lifecycle: TaskLifecycle
    public let interval: Duration
    public let stepsPerSecond: Int
    public let logger: Logger
    /// `drs_simulator_lag_seconds` (how late the oldest due step of the last round was) and
    /// `drs_simulator_transitions_total` (steps applied).
    let lag: Gauge
    let transitions: Counter
    /// Opened once the schema is ready and the start-up catch-up is done; the simulator waits for it.
    public let gate = Gate()

    public init(
        lifecycle: TaskLifecycle,
        interval: Duration = .milliseconds(100),
        stepsPerSecond: Int = 500,
        logger: Logger,
        metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.lifecycle = lifecycle
        self.lag = Gauge(label: "drs_simulator_lag_seconds", factory: metrics)
        self.transitions = Counter(label: "drs_simulator_transitions_total", factory: metrics)
        self.interval = interval
        self.stepsPerSecond = stepsPerSecond
        self.logger = logger
    }

    /// Steps per round.
    var roundLimit: Int {
        let (seconds, attoseconds) = interval.components
        let milliseconds = Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
        return max(1, stepsPerSecond * milliseconds / 1000)
    }

    public func run() async throws {
        while !gate.isOpen {
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(20)) }
        }
        let clock = ContinuousClock()
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let started = clock.now
            var pause = interval
            do {
                let (applied, lagMilliseconds) = try await lifecycle.measuredRound(limit: roundLimit)
                transitions.increment(by: applied)
                lag.record(Double(lagMilliseconds) / 1000)
                if failing { logger.notice("simulator rounds succeed again") }
                failing = false
            } catch {
                // Once per outage; while the database is away, a round a second.
                if !failing { logger.error("simulator round failed", metadata: ["error": "\(String(reflecting: error))"]) }
                failing = true
                pause = .seconds(1)
            }
            // The next round one pause after this one began.
            let rest = pause - (clock.now - started)
            if rest > .zero { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: rest) } }
        }
    }
}

/// A one-way latch.
public final class Gate: Sendable {
    private let state = Mutex(false)

    public init() {}

    public var isOpen: Bool { state.withLock { $0 } }
    public func open() { state.withLock { $0 = true } }
}
