import Logging
import NIOPosix
import SQLiteNIO

/// A small pool of SQLite connections to one database file.
///
/// SQLite in WAL mode runs any number of readers beside one writer; each connection serves one operation at a time.
actor SQLiteConnectionPool {
    private let path: String
    private let maxConnections: Int
    private let busyTimeoutMilliseconds: Int
    private let logger: Logger
    private var idle: [SQLiteConnection] = []
    private var all: [ObjectIdentifier: SQLiteConnection] = [:]
    private var opening = 0
    private var waiters: [CheckedContinuation<SQLiteConnection, any Error>] = []
    /// One thread per connection: a connection waiting on a lock blocks its thread, and must not starve the
    /// connection that holds the lock of a thread to finish on.
    private let threadPool: NIOThreadPool

    init(path: String, maxConnections: Int, busyTimeoutMilliseconds: Int, logger: Logger) {
        self.path = path
        self.maxConnections = maxConnections
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.logger = logger
        self.threadPool = NIOThreadPool(numberOfThreads: maxConnections)
        self.threadPool.start()
    }

    func acquire() async throws -> SQLiteConnection {
        if let connection = idle.popLast() { return connection }
        if all.count + opening < maxConnections { return try await open() }
        return try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    func release(_ connection: SQLiteConnection) {
        if waiters.isEmpty {
            idle.append(connection)
        } else {
            waiters.removeFirst().resume(returning: connection)
        }
    }

    /// Closes the connections nobody is using; later operations open new ones.
    func closeIdleConnections() async {
        let connections = idle
        idle = []
        for connection in connections {
            all[ObjectIdentifier(connection)] = nil
            try? await connection.close()
        }
    }

    func shutdown() async {
        let connections = Array(all.values)
        all = [:]
        idle = []
        for waiter in waiters { waiter.resume(throwing: StoreError.unavailable("the store is shutting down")) }
        waiters = []
        for connection in connections { try? await connection.close() }
        try? await threadPool.shutdownGracefully()
    }

    private func open() async throws -> SQLiteConnection {
        opening += 1
        defer { opening -= 1 }
        do {
            let connection = try await SQLiteConnection.open(
                storage: .file(path: path),
                threadPool: threadPool,
                logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any()
            )
            do {
                // busy_timeout replaces the driver's retry-forever busy handler, so a locked database
                // becomes an error (503) instead of a hung request.
                for pragma in [
                    "PRAGMA busy_timeout = \(busyTimeoutMilliseconds)", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL",
                    "PRAGMA temp_store = MEMORY",
                ] {
                    _ = try await connection.query(pragma)
                }
            } catch {
                try? await connection.close()
                throw error
            }
            all[ObjectIdentifier(connection)] = connection
            return connection
        } catch {
            // Nobody else will hand a connection to the waiters if none is open: fail them too.
            if all.isEmpty {
                for waiter in waiters { waiter.resume(throwing: error) }
                waiters = []
            }
            throw error
        }
    }
}
