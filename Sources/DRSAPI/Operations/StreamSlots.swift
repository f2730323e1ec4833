import Synchronization

/// A bound on how many streamed answers read the database at once (`--max-streams`): each holds a pooled connection
/// (and its snapshot) while it reads, so without a bound, slow readers could take every connection. Further streams
/// wait for a slot, in order; a cancelled wait leaves the queue.
final class StreamSlots: Sendable {
    private struct State {
        var free: Int
        var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID = 0
        /// Waiters that took a number and are not queued yet; a cancellation before they queue removes them here.
        var announced: Set<Int> = []
    }

    private let state: Mutex<State>

    init(_ count: Int) {
        state = Mutex(State(free: max(1, count)))
    }

    /// Runs `body` holding a slot.
    func withSlot<T>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async throws {
        let id: Int? = state.withLock { state in
            if state.free > 0 {
                state.free -= 1
                return nil
            }
            defer { state.nextID += 1 }
            state.announced.insert(state.nextID)
            return state.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = state.withLock { state in
                    guard state.announced.remove(id) != nil else { return true }
                    if state.free > 0 {
                        state.free -= 1
                        continuation.resume()
                        return false
                    }
                    state.waiters.append((id, continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                    // Not queued yet (it will not be), or already given a slot (nothing to undo).
                    state.announced.remove(id)
                    return CheckedContinuation<Void, any Error>?.none
                }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func release() {
        let next = state.withLock { state in
            guard !state.waiters.isEmpty else {
                state.free += 1
                return CheckedContinuation<Void, any Error>?.none
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume()
    }

    /// Slots free now (tests).
    var free: Int { state.withLock { $0.free } }
}
