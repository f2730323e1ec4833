import DRSDomain
import Synchronization

/// What a store's connection pool and statements did, read when metrics are scraped (`GET /metrics`): nothing on the
/// hot path beyond a few relaxed atomic additions.
public struct StoreStatistics: Equatable, Sendable {
    /// Connections at most, lent now, and callers waiting for one.
    public var poolSize = 0
    public var inUse = 0
    public var waiting = 0
    /// Connections lent since the store opened; the time callers spent waiting for them, in all.
    public var acquires = 0
    public var waitSeconds = 0.0
    /// Statements run by this process on this kind of database.
    public var statements = 0
    /// Tasks (subtasks included) written by imports through this store.
    public var tasksImported = 0
    /// SQLite: the memory the task names held for name searches take, and the name searches of three characters or
    /// more they could not serve (names not all read yet, or a tenant too large for the limit), served from the FTS5
    /// index instead.
    public var nameMemoryBytes = 0
    public var nameSearchesFromFTS5 = 0

    public init() {}
}

/// Counters a store keeps for ``StoreStatistics``.
final class StoreCounters: Sendable {
    let imported = Atomic<Int>(0)
    let acquires = Atomic<Int>(0)
    let inUse = Atomic<Int>(0)
    let waiting = Atomic<Int>(0)
    let waitNanoseconds = Atomic<Int>(0)

    func countImport(_ records: [JobRecord]) {
        countImport(tasks: records.reduce(0) { $0 + 1 + $1.children.count })
    }

    /// `tasks`: top-level tasks and subtasks.
    func countImport(tasks: Int) {
        imported.add(tasks, ordering: .relaxed)
    }
}
