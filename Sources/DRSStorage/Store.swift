import ServiceLifecycle

/// A database of projects, identities and tasks, run as a service of the application: started with it, and closed
/// when it shuts down.
public protocol Store: TaskStore, IdentityStore, Service {
    /// Brings the schema up to date; the service must be running (``serving(_:)`` or an application's services).
    func prepare() async throws

    /// Closes every connection; later operations fail as unavailable.
    func close() async

    /// Runs a trivial query: whether the database answers (`GET /readyz`).
    func ping() async throws

    /// The pool and statement counters, for `GET /metrics`.
    var statistics: StoreStatistics { get }
}

extension Store {
    /// Runs `body` with the store's service running beside it (prepared), then stops the service: for commands and tests
    /// that use the store without an application.
    public func serving<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run() }
            do {
                try await prepare()
                let result = try await body()
                group.cancelAll()
                try await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}
