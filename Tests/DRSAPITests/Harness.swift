import Configuration
import DRSAPI
import DRSDomain
import DRSStorage
import DRSTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization

/// A running app on a fresh SQLite file holding the fixture's two projects, and tokens for them.
struct Harness: Sendable {
    let store: SQLiteJobStore
    let databasePath: String
    let tokenA: String
    let tokenB: String
    let secret: [UInt8]

    static func run<T: Sendable>(
        limits: APILimits = APILimits(),
        busyTimeoutMilliseconds: Int = 5000,
        clock: TestClock = TestClock(),
        _ body: @Sendable (any TestClientProtocol, Harness) async throws -> T
    ) async throws -> T {
        try await StoreKind.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("drs.sqlite").path
            let store = try await SQLiteJobStore.open(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            do {
                try await store.createProject(id: Fixture.projectA, name: "A")
                try await store.createProject(id: Fixture.projectB, name: "B")
                try await store.importJobs(Fixture.tasksA, project: Fixture.projectA)
                try await store.importJobs(Fixture.tasksB, project: Fixture.projectB)
                let secret = try await store.tokenSecret()
                let harness = Harness(
                    store: store,
                    databasePath: path,
                    tokenA: Self.token(Fixture.projectA, secret: secret),
                    tokenB: Self.token(Fixture.projectB, secret: secret),
                    secret: secret
                )
                let reader = ConfigReader(provider: InMemoryProvider(values: ["http.port": 0, "log.level": "critical"]))
                let app = buildApplication(reader: reader, store: store, limits: limits, now: { clock.now })
                let result = try await app.test(.router) { client in try await body(client, harness) }
                await store.shutdown()
                return result
            } catch {
                await store.shutdown()
                throw error
            }
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
