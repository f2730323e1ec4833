import Synchronization

/// Per-project request budgets (`drs serve --rate-limit N`): a token bucket per project that refills at `rate` tokens a
/// second up to `burst`. Counted in this process only: behind a load balancer, N processes admit up to N times the rate.
public final class RateLimiter: Sendable {
    public let rate: Double
    public let burst: Double
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let buckets = Mutex<[String: Bucket]>([:])

    private struct Bucket {
        var tokens: Double
        /// Seconds since ``start`` when `tokens` was last brought up to date.
        var updated: Double
    }

    /// - Parameters:
    ///   - rate: requests per second a project may make on average (> 0).
    ///   - burst: requests a project may make at once after a quiet spell (default twice the rate).
    public init(rate: Double, burst: Double? = nil) {
        self.rate = rate
        self.burst = max(1, burst ?? 2 * rate)
        self.start = clock.now
    }

    /// Takes one token from `project`'s bucket: nil when there was one, else the whole seconds until there will be.
    public func admit(_ project: String) -> Int? {
        let now = seconds(since: start)
        return buckets.withLock { buckets in
            var bucket = buckets[project] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            defer { buckets[project] = bucket }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }

    private func seconds(since instant: ContinuousClock.Instant) -> Double {
        let (seconds, attoseconds) = (clock.now - instant).components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
