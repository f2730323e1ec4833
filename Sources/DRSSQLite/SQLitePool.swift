import NIOCore
import NIOPosix
import Synchronization

/// A pool of connections to one SQLite file.
///
/// Short reads run on the calling thread (``withConnection(_:)``): a cached statement costs a few microseconds, less
/// than a hop to another thread and back. Work that may block or take long (writes, which wait for the write lock;
/// streamed lists; imports) runs on a thread of the pool's own (``withConnectionOnThread(_:)``), so that Swift's
/// cooperative threads and the event loops never wait on SQLite. There is one such thread per connection: a connection
/// waiting for a lock must not starve the one that holds it of a thread to finish on.
public final class SQLitePool: Sendable {
    public struct Configuration: Sendable {
        public var path: String
        /// Connections at most (each also gets a thread for blocking work).
        public var size: Int
        /// How long a caller waits for a free connection before ``SQLitePoolError/timedOut``.
        public var acquireTimeout: Duration
        /// Runs once on every new connection (pragmas).
        public var setUp: @Sendable (SQLiteConnection) throws -> Void

        public init(
            path: String,
            size: Int,
            acquireTimeout: Duration = .seconds(5),
            setUp: @escaping @Sendable (SQLiteConnection) throws -> Void = { _ in }
        ) {
            self.path = path
            self.size = max(1, size)
            self.acquireTimeout = acquireTimeout
            self.setUp = setUp
        }
    }

    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<SQLiteConnection, any Error>
        var timeout: Scheduled<Void>?
    }

    private struct State {
        var idle: [SQLiteConnection] = []
        var open = 0
        var waiters: [Waiter] = []
        /// Waiters that announced themselves and are not queued yet; a cancellation removes them from here.
        var announced: Set<Int> = []
        var nextWaiterID = 0
        var isClosed = false
        /// Longest time any caller waited for a connection, and how many times one timed out (diagnostics).
        var timeouts = 0
        /// Connections lent in all; how many of those had to wait, and for how long in all.
        var acquires = 0
        var waits = 0
        var waited = Duration.zero
    }

    public let configuration: Configuration
    private let state = Mutex(State())
    private let threads: NIOThreadPool

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        self.threads = NIOThreadPool(numberOfThreads: configuration.size)
        threads.start()
    }

    /// Runs `body` with a pooled connection on a thread of the pool's own.
    public func withConnectionOnThread<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        let connection = try await acquire()
        defer { release(connection) }
        return try await run { try body(connection) }
    }

    /// Runs `body` on the calling task (no thread hop) with a pooled connection. Whatever `body` creates from the
    /// connection (statements, cursors) must not outlive it: the connection goes back to the pool when `body` returns.
    public func withConnection<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        defer { release(connection) }
        return try await body(connection)
    }

    /// Runs `body` on a thread of the pool's own, with a connection the caller already holds.
    public func onThread<T: Sendable>(_ connection: SQLiteConnection, _ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await run { try body(connection) }
    }

    /// Runs `work` on a pool thread and lets go of it there before the caller resumes. The thread pool keeps its work
    /// item a little longer than that: whatever `work` captured (cursors holding lent statements) would otherwise be
    /// released on the pool thread while the caller already runs the connection's next statement, a reset or finalize
    /// racing with it on a connection that has no mutex of its own.
    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let slot = WorkSlot(work)
        return try await threads.runIfActive {
            let work = slot.take()
            return try work()
        }
    }

    /// A connection, lent until ``release(_:)``. Waits at most `acquireTimeout`; a cancelled wait throws
    /// `CancellationError`.
    public func acquire() async throws -> SQLiteConnection {
        enum Next {
            case ready(SQLiteConnection)
            case open
            case wait
        }
        let next: Next = try state.withLock { state in
            guard !state.isClosed else { throw SQLitePoolError.closed }
            state.acquires += 1
            if let connection = state.idle.popLast() { return .ready(connection) }
            if state.open < configuration.size {
                state.open += 1
                return .open
            }
            return .wait
        }
        switch next {
        case .ready(let connection): return connection
        case .open: return try openConnection()
        case .wait:
            let started = ContinuousClock.now
            let connection = try await waitForConnection()
            let waited = ContinuousClock.now - started
            state.withLock { state in
                state.waits += 1
                state.waited += waited
            }
            return connection
        }
    }

    /// Gives a connection back: to the longest waiter, else to the idle list.
    public func release(_ connection: SQLiteConnection) {
        // A transaction left open by a failed operation must not leak into the next one.
        if connection.isInTransaction { try? connection.execute("ROLLBACK") }
        let waiter: Waiter? = state.withLock { state in
            guard !state.isClosed else {
                state.open -= 1
                return nil
            }
            if state.waiters.isEmpty {
                state.idle.append(connection)
                return nil
            }
            return state.waiters.removeFirst()
        }
        if let waiter {
            waiter.timeout?.cancel()
            waiter.continuation.resume(returning: connection)
        }
    }

    /// Closes the pool: waiters fail, idle connections close now, lent ones when they come back.
    public func close() async {
        let (waiters, idle): ([Waiter], [SQLiteConnection]) = state.withLock { state in
            state.isClosed = true
            defer {
                state.waiters = []
                state.open -= state.idle.count
                state.idle = []
            }
            return (state.waiters, state.idle)
        }
        for waiter in waiters {
            waiter.timeout?.cancel()
            waiter.continuation.resume(throwing: SQLitePoolError.closed)
        }
        _ = idle  // released here: each connection closes as it deinitializes
        try? await threads.shutdownGracefully()
    }

    /// Closes idle connections; new ones are opened on demand (they see a schema changed meanwhile).
    public func closeIdleConnections() {
        state.withLock { state in
            state.open -= state.idle.count
            state.idle = []
        }
    }

    /// Connections open right now, and how many of them are idle.
    public var counts: (open: Int, idle: Int, waiting: Int) {
        state.withLock { ($0.open, $0.idle.count, $0.waiters.count) }
    }

    /// Connections lent since the pool opened, how many of those lendings waited for a connection, and for how long.
    public var lendings: (acquires: Int, waits: Int, waited: Duration) {
        state.withLock { ($0.acquires, $0.waits, $0.waited) }
    }

    /// How many times a caller gave up waiting for a connection.
    public var timeouts: Int { state.withLock { $0.timeouts } }

    private func openConnection() throws -> SQLiteConnection {
        do {
            let connection = try SQLiteConnection(path: configuration.path)
            try configuration.setUp(connection)
            return connection
        } catch {
            state.withLock { $0.open -= 1 }
            throw error
        }
    }

    private func waitForConnection() async throws -> SQLiteConnection {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            state.announced.insert(state.nextWaiterID)
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<SQLiteConnection, any Error>) in
                let refusal: (any Error)? = state.withLock { state in
                    guard state.announced.remove(id) != nil else { return CancellationError() }
                    if state.isClosed { return SQLitePoolError.closed }
                    if let connection = state.idle.popLast() {
                        continuation.resume(returning: connection)
                        return nil
                    }
                    let timeout = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .init(configuration.acquireTimeout)) {
                        self.giveUp(id, throwing: SQLitePoolError.timedOut(self.configuration.acquireTimeout), countAsTimeout: true)
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation, timeout: timeout))
                    return nil
                }
                if let refusal { continuation.resume(throwing: refusal) }
            }
        } onCancel: {
            giveUp(id, throwing: CancellationError(), countAsTimeout: false)
        }
    }

    /// Ends waiter `id`'s wait with `error`, if it is still waiting.
    private func giveUp(_ id: Int, throwing error: any Error, countAsTimeout: Bool) {
        let waiter: Waiter? = state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                // Cancelled before it was queued: it will not be queued at all.
                state.announced.remove(id)
                return nil
            }
            if countAsTimeout { state.timeouts += 1 }
            return state.waiters.remove(at: index)
        }
        guard let waiter else { return }
        waiter.timeout?.cancel()
        waiter.continuation.resume(throwing: error)
    }
}

public enum SQLitePoolError: Error, Equatable, CustomStringConvertible {
    /// No connection became free in time.
    case timedOut(Duration)
    /// The pool is closed.
    case closed

    public var description: String {
        switch self {
        case .timedOut(let duration): return "no database connection became free within \(duration)"
        case .closed: return "the database pool is closed"
        }
    }
}

/// Holds a piece of work until the thread that runs it takes it (once), so that only that thread holds it afterwards.
private final class WorkSlot<T>: Sendable {
    private let work: Mutex<(@Sendable () throws -> T)?>

    init(_ work: @escaping @Sendable () throws -> T) {
        self.work = Mutex(work)
    }

    func take() -> @Sendable () throws -> T {
        work.withLock { work in
            defer { work = nil }
            return work!
        }
    }
}
