import CoreMetrics
import DRSStorage
import HTTPTypes
import NIOCore
import Prometheus
import Synchronization

/// The metrics of one `drs serve`: recorded through swift-metrics into a Prometheus registry of its own, and rendered
/// in Prometheus's text format for `GET /metrics`.
///
/// Request metrics are looked up once per route, method and status, then kept. Database figures are read from the
/// store when the metrics are scraped, so the hot path pays only the store's relaxed atomic counters.
public final class DRSMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    private struct RequestKey: Hashable {
        var route: String
        var method: HTTPRequest.Method
        var status: Int
    }

    private struct RequestMetrics: Sendable {
        var count: CoreMetrics.Counter
        var duration: CoreMetrics.Timer
    }

    private let requests = Mutex<[RequestKey: RequestMetrics]>([:])
    private let scraped = Mutex(StoreStatistics())
    private let poolSize: CoreMetrics.Gauge
    private let poolInUse: CoreMetrics.Gauge
    private let poolWaiting: CoreMetrics.Gauge
    private let acquires: CoreMetrics.Counter
    private let waitSeconds: CoreMetrics.FloatingPointCounter
    private let statements: CoreMetrics.Counter
    private let imported: CoreMetrics.Counter
    private let nameMemory: CoreMetrics.Gauge
    private let nameSearchesFromFTS5: CoreMetrics.Counter

    /// Bucket bounds of the request duration histograms.
    static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["drs_http_request_duration_seconds"] = Self.durationBuckets
        self.factory = factory
        poolSize = CoreMetrics.Gauge(label: "drs_db_pool_size", factory: factory)
        poolInUse = CoreMetrics.Gauge(label: "drs_db_pool_in_use", factory: factory)
        poolWaiting = CoreMetrics.Gauge(label: "drs_db_pool_waiting", factory: factory)
        acquires = CoreMetrics.Counter(label: "drs_db_pool_acquires_total", factory: factory)
        waitSeconds = CoreMetrics.FloatingPointCounter(label: "drs_db_pool_wait_seconds_total", factory: factory)
        statements = CoreMetrics.Counter(label: "drs_db_statements_total", factory: factory)
        imported = CoreMetrics.Counter(label: "drs_tasks_imported_total", factory: factory)
        nameMemory = CoreMetrics.Gauge(label: "drs_name_memory_bytes", factory: factory)
        nameSearchesFromFTS5 = CoreMetrics.Counter(label: "drs_name_searches_from_fts5_total", factory: factory)
    }

    /// Counts one answered request and its duration. `route` is the matched route's pattern (never the raw path, whose
    /// project IDs would make a series per project).
    func recordRequest(route: String, method: HTTPRequest.Method, status: Int, duration: Duration) {
        let key = RequestKey(route: route, method: method, status: status)
        let metrics = requests.withLock { requests in
            if let known = requests[key] { return known }
            let dimensions = [("route", route), ("method", method.rawValue)]
            let made = RequestMetrics(
                count: CoreMetrics.Counter(label: "drs_http_requests_total", dimensions: dimensions + [("status", String(status))], factory: factory),
                duration: CoreMetrics.Timer(label: "drs_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            )
            requests[key] = made
            return made
        }
        metrics.count.increment()
        let (seconds, attoseconds) = duration.components
        metrics.duration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// The registry in Prometheus's text format, with the store's figures read now.
    public func render(store: any Store) -> ByteBuffer {
        let now = store.statistics
        let before = scraped.withLock { scraped in
            defer { scraped = now }
            return scraped
        }
        poolSize.record(now.poolSize)
        poolInUse.record(now.inUse)
        poolWaiting.record(now.waiting)
        acquires.increment(by: max(0, now.acquires - before.acquires))
        waitSeconds.increment(by: max(0, now.waitSeconds - before.waitSeconds))
        statements.increment(by: max(0, now.statements - before.statements))
        imported.increment(by: max(0, now.tasksImported - before.tasksImported))
        nameMemory.record(now.nameMemoryBytes)
        nameSearchesFromFTS5.increment(by: max(0, now.nameSearchesFromFTS5 - before.nameSearchesFromFTS5))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 * 1024)
        registry.emit(into: &bytes)
        return ByteBuffer(bytes: bytes)
    }
}
