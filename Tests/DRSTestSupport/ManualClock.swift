import Synchronization

/// A clock the test moves by hand (epoch milliseconds).
public final class ManualClock: Sendable {
    private let value: Mutex<Int64>

    public init(_ start: Int64 = 1_700_000_000_000) {
        value = Mutex(start)
    }

    public var now: Int64 { value.withLock { $0 } }
    public func advance(_ milliseconds: Int64) { value.withLock { $0 += milliseconds } }
}
