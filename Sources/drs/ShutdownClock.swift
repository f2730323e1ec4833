import ServiceLifecycle
import Synchronization

/// Notes when a graceful shutdown began, so that `drs serve` can say whether its time limit (`--shutdown-timeout`)
/// cut requests off.
///
/// The last service of the group, so the first to hear of a shutdown (a group shuts its services down in reverse
/// order, each after the one before has ended); it notes the time and ends at once.
final class ShutdownClock: Service {
    private let began = Mutex<ContinuousClock.Instant?>(nil)

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return
        }
        began.withLock { $0 = .now }
    }

    /// How long the shutdown has taken so far; nil when none began.
    var elapsed: Duration? {
        began.withLock { $0 }.map { .now - $0 }
    }
}
