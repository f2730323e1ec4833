import DRSDomain
import DRSSQLite
import Synchronization

/// The exact totals and the pages of name searches on SQLite, from the tenant's names held in memory (``NameChunk``),
/// shared by a store's connections.
///
/// Table `task_name_versions` holds per tenant and chunk of ordinals a version, a random number the writer draws in
/// the transaction that adds, removes or renames a top-level task of the chunk or moves it to another lane. A reader
/// reads the versions of its snapshot and uses a chunk only by its version, so a chunk held here is never stale (the
/// same scheme as ``FacetChunkCache``). A chunk not held yet is read from `tasks` (about 30 ms for 8,192 tasks); one
/// request reads at most ``readsPerRequest`` of them, and a request whose chunks are not all held, or are being read
/// by another request, is counted and walked from the FTS5 index. Bounded: emptied when it would pass ``limit`` bytes;
/// a tenant with more chunks than the limit holds (at ``NameChunk/typicalBytes`` each) is always served by FTS5.
final class NameIndex: Sendable {
    struct Key: Hashable, Sendable {
        var tenant: Int64
        var chunk: Int64
        var version: Int64
    }

    private struct State {
        var chunks: [Key: NameChunk] = [:]
        var reading: Set<Key> = []
        var bytes = 0
        /// Moves whenever chunks are let go (the limit passed).
        var generation = 0
    }

    /// A tenant's chunks as one connection keeps them (``ConnectionFacets/nameViews``).
    struct Held {
        var generation: Int
        var chunks: [NameChunk]
        var views: [NameChunk.View]
    }

    private let state = Mutex(State())
    /// Searches `matches(of:tenant:lane:_:pool:)` could not serve (for the metrics).
    let unserved = Atomic<Int>(0)
    let limit: Int
    /// Chunks one request reads at most.
    let readsPerRequest: Int

    init(limit: Int = 512 << 20, readsPerRequest: Int = 4) {
        self.limit = limit
        self.readsPerRequest = readsPerRequest
    }

    /// Chunks held (for tests).
    var heldChunks: Int { state.withLock { $0.chunks.count } }
    /// The memory the chunks held take, roughly.
    var heldBytes: Int { state.withLock { $0.bytes } }

    static let versions = SQL("SELECT chunk, version FROM task_name_versions WHERE tenant = ?1 ORDER BY chunk")
    static let tasks = SQL("SELECT ord, pk, lane, name FROM tasks WHERE tenant = ?1 AND ord >= ?2 AND ord < ?3 AND ord IS NOT NULL ORDER BY ord")

    /// The tenant's tasks in `lane` whose name contains `folded` (three or more characters), in ordinal order; nil
    /// when some chunk is not held (then the caller counts and walks another way). Runs in the caller's read
    /// transaction; chunk reads run on a pool thread.
    func matches(of folded: String, tenant: Int64, lane: Int, _ db: SQLiteConnection, pool: SQLitePool) async throws -> NameMatches? {
        let keys = try Self.chunks(of: tenant, db)
        // A tenant whose names would not fit in the limit is counted by the walk, rather than read over and over.
        guard keys.count * NameChunk.typicalBytes <= limit else { return unservable() }
        let known = ConnectionFacets.of(db)
        let needle = Array(folded.utf8)
        if let kept = known.nameViews[tenant], kept.generation == state.withLock({ $0.generation }) {
            return NameSearch.matches(of: needle, lane: lane, in: kept.views)
        }
        let generation: Int
        var held: [NameChunk?]
        (held, generation) = state.withLock { state in (keys.map { state.chunks[$0] }, state.generation) }
        let missing = keys.indices.filter { held[$0] == nil }
        if !missing.isEmpty {
            let claimed: [Int] = state.withLock { state in
                var claimed: [Int] = []
                for index in missing where claimed.count < readsPerRequest && !state.reading.contains(keys[index]) {
                    state.reading.insert(keys[index])
                    claimed.append(index)
                }
                return claimed
            }
            guard !claimed.isEmpty else { return unservable() }
            let claimedKeys = claimed.map { keys[$0] }
            let read: [NameChunk]
            do {
                read = try await pool.onThread(db) { db in try claimedKeys.map { try Self.read($0, db) } }
            } catch {
                state.withLock { state in state.reading.subtract(claimedKeys) }
                throw error
            }
            state.withLock { state in
                state.reading.subtract(claimedKeys)
                for (key, chunk) in zip(claimedKeys, read) {
                    if state.bytes + chunk.byteCount > limit { Self.letGo(&state) }
                    if state.chunks.updateValue(chunk, forKey: key) == nil { state.bytes += chunk.byteCount }
                }
            }
            for (index, chunk) in zip(claimed, read) { held[index] = chunk }
            guard claimed.count == missing.count else { return unservable() }
        }
        // The connection holds the chunks for this search and the next ones while the file is unchanged; the search
        // reads their memory through their views.
        let chunks = held.compactMap { $0 }
        let kept = Held(generation: generation, chunks: chunks, views: chunks.map(\.view))
        known.nameViews[tenant] = kept
        return NameSearch.matches(of: needle, lane: lane, in: kept.views)
    }

    /// Lets every chunk go (the limit passed): connections let the chunks they keep go at their next search.
    private static func letGo(_ state: inout State) {
        state.chunks.removeAll()
        state.bytes = 0
        state.generation += 1
    }

    /// The same, for tests.
    func letGo() { state.withLock { Self.letGo(&$0) } }

    /// Counts a search served another way.
    private func unservable() -> NameMatches? {
        unserved.add(1, ordering: .relaxed)
        return nil
    }

    /// The tenant's chunks and their versions in the caller's snapshot: read again only when the database changed since
    /// the connection last read them (``ConnectionFacets``).
    private static func chunks(of tenant: Int64, _ db: SQLiteConnection) throws -> [Key] {
        let known = ConnectionFacets.of(db)
        try known.validate(db)
        if let keys = known.nameChunks[tenant] { return keys }
        let keys = try db.withStatement(versions) { statement in
            statement.bind(1, tenant)
            var keys: [Key] = []
            while try statement.step() { keys.append(Key(tenant: tenant, chunk: statement.int64(0), version: statement.int64(1))) }
            return keys
        }
        known.nameChunks[tenant] = keys
        return keys
    }

    /// The tasks of one chunk, as of the caller's snapshot.
    private static func read(_ key: Key, _ db: SQLiteConnection) throws -> NameChunk {
        try db.withStatement(tasks) { statement in
            statement.bind(1, key.tenant)
            statement.bind(2, key.chunk << NameChunk.shift)
            statement.bind(3, (key.chunk + 1) << NameChunk.shift)
            var tasks: [(ordinal: Int64, key: Int64, lane: Int, name: String)] = []
            while try statement.step() {
                tasks.append((statement.int64(0), statement.int64(1), statement.int(2), statement.text(3) ?? ""))
            }
            return NameChunk(tasks)
        }
    }
}
