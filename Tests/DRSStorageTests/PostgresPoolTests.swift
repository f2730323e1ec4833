import DRSTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import DRSStorage

/// The PostgreSQL store's waits for a connection: a time limit kept by the service's clock, and cancellation.
@Suite(.enabled(if: PostgresTestServer.url != nil, "needs DRS_TEST_POSTGRES_URL"), .timeLimit(.minutes(1)))
struct PostgresPoolTests {
    /// A store of one connection, with its service running, and a task that holds that connection until `release`.
    static func withHeldConnection(
        timeout: Duration,
        _ body: (PostgresStore, _ release: @Sendable () -> Void) async throws -> Void
    ) async throws {
        try await PostgresTestServer.withFreshDatabase { url in
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let store = try PostgresStore(url: url, poolSize: 1, acquireTimeout: timeout, logger: logger)
            // The pool's service only (no migrations: the tests run `SELECT 1`), so that the short time limit applies to
            // nothing but the waits under test.
            try await withThrowingTaskGroup(of: Void.self) { service in
                service.addTask { try await store.run() }
                let (released, release) = AsyncStream<Void>.makeStream()
                let (held, holding) = AsyncStream<Void>.makeStream()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        // A busy test run can take longer than a short time limit to open the first connection.
                        try await retried {
                            try await store.withConnection { _ in
                                holding.yield()
                                for await _ in released { break }
                            }
                        }
                    }
                    for await _ in held { break }
                    try await body(store) { release.finish() }
                    release.finish()
                    try await group.waitForAll()
                }
                service.cancelAll()
            }
        }
    }

    /// Runs `body` again while the store says it is unavailable, for at most 30 seconds.
    static func retried<T>(_ body: () async throws -> T) async throws -> T {
        let end = ContinuousClock.now + .seconds(30)
        while true {
            do {
                return try await body()
            } catch StoreError.unavailable where ContinuousClock.now < end {
                continue
            }
        }
    }

    @Test func aWaitForABusyPoolEndsAtItsTimeLimit() async throws {
        try await Self.withHeldConnection(timeout: .milliseconds(400)) { store, release in
            let started = ContinuousClock.now
            await #expect(throws: StoreError.self) {
                try await store.withConnection { _ in }
            }
            let waited = ContinuousClock.now - started
            #expect(waited >= .milliseconds(400))
            #expect(waited < .seconds(10))
            release()
            // The connection is back: a next wait gets it (the first ones may still find it on its way back).
            try await Self.retried {
                try await store.withConnection { connection in
                    _ = try await PreparedStatements.all(PostgresStatement("SELECT 1"), on: connection, logger: Logger(label: "test"))
                }
            }
        }
    }

    @Test func aWaitThatIsCancelledEndsAtOnce() async throws {
        try await Self.withHeldConnection(timeout: .seconds(600)) { store, release in
            let started = ContinuousClock.now
            let waiter = Task { try await store.withConnection { _ in } }
            try await Task.sleep(for: .milliseconds(100))
            waiter.cancel()
            await #expect(throws: (any Error).self) { try await waiter.value }
            #expect(ContinuousClock.now - started < .seconds(10))
            release()
        }
    }

    @Test func theConnectionIsLentWhileTheWaitLasts() async throws {
        try await Self.withHeldConnection(timeout: .seconds(5)) { store, release in
            let waiter = Task { try await store.withConnection { _ in "lent" } }
            try await Task.sleep(for: .milliseconds(200))
            release()
            #expect(try await waiter.value == "lent")
        }
    }

    /// A connection that closes while it is leased (the server went away) refuses the next statement: postgres-nio
    /// drops a statement written to a closed channel, and the request waited for its answer forever (and so did the
    /// shutdown of `drs serve`). Without the check this test does not fail: it hangs (an `EventLoopFuture` wait does
    /// not end when its task is cancelled, so the time limit cannot end it either).
    @Test func aStatementOnAConnectionThatClosedFailsInsteadOfWaiting() async throws {
        try await PostgresTestServer.withFreshDatabase { url in
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let store = try PostgresStore(url: url, poolSize: 1, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { service in
                service.addTask { try await store.run() }
                let failure: (any Error)? = try await Self.retried {
                    try await store.withConnection { connection in
                        try? await connection.close()
                        do {
                            try await PreparedStatements.run(PostgresStatement("SELECT 1"), on: connection, logger: logger)
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                #expect(failure is StoreError)
                service.cancelAll()
            }
        }
    }
}
