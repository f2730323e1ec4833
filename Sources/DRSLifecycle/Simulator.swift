import DRSStorage
import Logging
import ServiceLifecycle
import Synchronization

/// The simulator of `drs serve` (`lifecycle.md` §5.5, §9) as a service of the application: a round every `interval`
/// until graceful shutdown, which lets the step being applied finish (pending steps stay stored).
public struct Simulator: Service {
    public let lifecycle: TaskLifecycle
    public let interval: Duration
    public let logger: Logger
    /// Opened once the schema is ready and the start-up catch-up is done; the simulator waits for it.
    public let gate = Gate()

    public init(lifecycle: TaskLifecycle, interval: Duration = .milliseconds(100), logger: Logger) {
        self.lifecycle = lifecycle
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !gate.isOpen {
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(20)) }
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                // A full round means more is due: the next one follows at once.
                if try await lifecycle.round() >= TaskLifecycle.roundSize { continue }
            } catch {
                logger.error("simulator round failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
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
