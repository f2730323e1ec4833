import DRSDomain
import DRSStorage
import DRSTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import DRSAPI

/// `GET /healthz`, `GET /readyz` and `GET /openapi.json`, and the document kept in step with the routes.
@Suite struct HealthAndOpenAPITests {
    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    @Test func healthAndReadinessAnswerWithoutCredentials() async throws {
        try await Harness.run { client, harness in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            #expect(health.headers[.contentType] == "application/json")
            #expect(try Self.json(health)["status"] as? String == "ok")
            #expect(health.headers[HTTPField.Name("X-Request-Id")!]?.count == 32)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok, "\(harness.kind)")
            #expect(try Self.json(ready)["status"] as? String == "ready")
        }
    }

    /// A closed SQLite store does not answer: 503, and the process still reports itself alive.
    @Test func readinessFailsWhenSQLiteCannotAnswer() async throws {
        try await Harness.run(kinds: [.sqlite]) { client, harness in
            await harness.store.close()
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(try Self.json(ready)["status"] as? String == "unavailable")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    /// A PostgreSQL server that is not there: 503 at the probe's deadline, not after the pool's own (much longer) wait.
    @Test func readinessFailsWhenPostgreSQLIsAway() async throws {
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let store = try PostgresStore(url: "postgres://drs@127.0.0.1:1/none", poolSize: 1, acquireTimeout: .seconds(600), logger: quiet)
        let router = Router(context: AppRequestContext.self)
        OperationsController(store: store, metrics: nil, readinessDeadline: .milliseconds(500)).addRoutes(to: router, servesMetrics: false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            try await Application(router: router).test(.router) { client in
                let started = ContinuousClock.now
                let ready = try await client.execute(uri: "/readyz", method: .get)
                #expect(ready.status == .serviceUnavailable)
                // The pool would wait 10 minutes; the probe's deadline (0.5 s, plus however long a busy test run
                // keeps its timer from running) answers long before.
                #expect(ContinuousClock.now - started < .seconds(120))
                #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            }
            group.cancelAll()
        }
    }

    @Test func theDocumentIsServedAsOpenAPI31() async throws {
        try await Harness.run(kinds: [.sqlite]) { client, _ in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let document = try Self.json(response)
            #expect(document["openapi"] as? String == "3.1.0")
            #expect(Data(response.body.readableBytesView) == Data(PackageResources.openapi_json))
        }
    }

    /// Every route the server registers is described, and every described operation is a route.
    @Test func everyRouteIsDescribedAndEveryDescribedRouteExists() async throws {
        try await StoreKind.sqlite.withFreshStore { store in
            let routes = Set(buildRoutes(store: store, metrics: DRSMetrics()).routes)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(PackageResources.openapi_json)) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
            var described = Set<RegisteredRoute>()
            for (path, item) in paths {
                for method in methods where item[method] != nil {
                    described.insert(RegisteredRoute(method: method.uppercased(), path: path))
                }
            }
            #expect(routes.subtracting(described).isEmpty, "routes the document does not describe: \(routes.subtracting(described))")
            #expect(described.subtracting(routes).isEmpty, "described operations the server lacks: \(described.subtracting(routes))")
            #expect(routes.count >= 19)
        }
    }
}
