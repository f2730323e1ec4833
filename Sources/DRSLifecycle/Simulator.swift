import DRSStorage
import Logging
import ServiceLifecycle

/// The simulator of `drs serve` (`lifecycle.md` §5.5, §9) as a service of the application: a round every `interval`
/// until graceful shutdown, which lets the step being applied finish (pending steps stay stored).
public struct Simulator: Service {
    public let lifecycle: TaskLifecycle
    public let interval: Duration
    public let logger: Logger

    public init(lifecycle: TaskLifecycle, interval: Duration = .milliseconds(100), logger: Logger) {
        self.lifecycle = lifecycle
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
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
