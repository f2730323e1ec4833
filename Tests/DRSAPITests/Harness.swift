import Configuration
import DRSAPI
import DRSDomain
import DRSLifecycle
import DRSStorage
import DRSTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization

/// A running app on a fresh store holding the fixture's two projects, and tokens for them.
///
/// ``run(kinds:limits:busyTimeoutMilliseconds:clock:_:)`` runs the test once per store kind: SQLite, and PostgreSQL
/// when the test run has a server (`DRS_TEST_POSTGRES_URL`).
struct Harness: Sendable {
    let kind: StoreKind
    let store: any Store
    /// The SQLite file (SQLite runs only).
    let databasePath: String?
    let tokenA: String
    let tokenB: String
    let secret: [UInt8]
    /// The lifecycle the app drives, on ``lifeClock`` (standard durations: nothing moves until the test moves it).
    let lifecycle: TaskLifecycle
    let lifeClock: ManualClock
    /// The app's metrics, when the test asked for them.
    let metrics: DRSMetrics?

    /// The SQLite store (SQLite runs only).
    var sqlite: SQLiteStore { store as! SQLiteStore }

    static func run<T: Sendable>(
        kinds: [StoreKind] = StoreKind.allCases,
        limits: APILimits = APILimits(),
        busyTimeoutMilliseconds: Int = 5000,
        clock: TestClock = TestClock(),
        metrics: @Sendable () -> DRSMetrics? = { nil },
        _ body: @Sendable (any TestClientProtocol, Harness) async throws -> T
    ) async throws -> T {
        var result: T?
        for kind in kinds {
            result = try await run(kind, limits: limits, busyTimeoutMilliseconds: busyTimeoutMilliseconds, clock: clock, metrics: metrics(), body)
        }
        return result!
    }

    private static func run<T: Sendable>(
        _ kind: StoreKind,
        limits: APILimits,
        busyTimeoutMilliseconds: Int,
        clock: TestClock,
        metrics: DRSMetrics?,
        _ body: @Sendable (any TestClientProtocol, Harness) async throws -> T
    ) async throws -> T {
        switch kind {
        case .sqlite:
            return try await StoreKind.withTemporaryFolder { folder in
                let path = folder.appendingPathComponent("drs.sqlite").path
                let store = try await SQLiteStore.open(path: path, busyTimeout: .milliseconds(busyTimeoutMilliseconds))
                return try await serve(kind, store, path: path, limits: limits, clock: clock, metrics: metrics, body)
            }
        case .postgres:
            return try await PostgresTestServer.withFreshDatabase { url in
                let store = try PostgresStore(
                    url: url,
                    poolSize: 16,
                    acquireTimeout: .milliseconds(busyTimeoutMilliseconds),
                    logger: Logger(label: "test")
                )
                return try await serve(kind, store, path: nil, limits: limits, clock: clock, metrics: metrics, body)
            }
        }
    }

    private static func serve<T: Sendable>(
        _ kind: StoreKind,
        _ store: any Store,
        path: String?,
        limits: APILimits,
        clock: TestClock,
        metrics: DRSMetrics?,
        _ body: @Sendable (any TestClientProtocol, Harness) async throws -> T
    ) async throws -> T {
        // The store runs as a service of the app, which prepares it before the tests' requests and closes it afterwards.
        let reader = ConfigReader(provider: InMemoryProvider(values: ["http.port": 0, "log.level": "critical"]))
        let lifeClock = ManualClock(clock.now * 1000)
        let lifecycle = TaskLifecycle(store: store, durations: .standard, clock: { lifeClock.now })
        let app = buildApplication(
            reader: reader,
            store: store,
            limits: limits,
            now: { clock.now },
            lifecycle: lifecycle,
            metrics: metrics,
            simulates: false
        )
        return try await app.test(.router) { client in
            try await store.createProject(id: Fixture.projectA, name: "A")
            try await store.createProject(id: Fixture.projectB, name: "B")
            try await store.importJobs(Fixture.tasksA, project: Fixture.projectA)
            try await store.importJobs(Fixture.tasksB, project: Fixture.projectB)
            let secret = try await store.tokenSecret()
            let harness = Harness(
                kind: kind,
                store: store,
                databasePath: path,
                tokenA: Self.token(Fixture.projectA, secret: secret),
                tokenB: Self.token(Fixture.projectB, secret: secret),
                secret: secret,
                lifecycle: lifecycle,
                lifeClock: lifeClock,
                metrics: metrics
            )
            return try await body(client, harness)
        }
    }

    static func token(_ project: String, secret: [UInt8], expiresIn seconds: Int64 = 3600) -> String {
        let now = Int64(Date().timeIntervalSince1970)
        return ProjectToken(projectID: project, issuedAt: now - 10, expiresAt: now + seconds).encoded(secret: secret)
    }
}

extension TestClientProtocol {
    /// `POST /v3/{project}/jobs` with JSON headers and a token (nil: no token header).
    func postJobs(
        project: String = Fixture.projectA,
        token: String?,
        body: String,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[HTTPField.Name("X-Auth-Token")!] = token }
        for field in extra { headers[field.name] = field.value }
        return try await execute(uri: "/v3/\(project)/jobs", method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body parsed as a JSON object.
    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
        guard let dictionary = object as? [String: Any] else { throw CocoaError(.coderReadCorrupt) }
        return dictionary
    }

    var requestID: String? { headers[HTTPField.Name("X-Request-Id")!] }

    /// The IDs of the answered tasks, in order.
    func jobIDs() throws -> [String] {
        try (json()["jobs"] as? [[String: Any]] ?? []).map { $0["id"] as? String ?? "?" }
    }
}

/// The real time, plus however far the test has moved it.
final class TestClock: Sendable {
    private let offset = Mutex<Int64>(0)
    var now: Int64 { Int64(Date().timeIntervalSince1970) + offset.withLock { $0 } }
    func advance(_ delta: Int64) { offset.withLock { $0 += delta } }
}
