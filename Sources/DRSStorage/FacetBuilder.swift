import DRSDomain
import Dispatch

/// The facet changes of an import's new tasks, worked out on a thread of their own while the writer's thread writes
/// rows: a facet's text and its place in the changes cost about a tenth of an import, and the writer's one thread
/// is what an import waits for.
///
/// The writer hands over each task it inserted with the ordinal it gave it, in batches; ``finish(then:)`` waits for
/// the last batch and returns the changes, followed by the writer's own (removals of tasks inserted earlier come after
/// their insertion, so the order stays right).
final class FacetBuilder: @unchecked Sendable {
    struct Inserted: Sendable {
        var record: JobRecord
        var lane: Int
        var ordinal: Int64
    }

    /// Tasks handed over at once: enough that a hand-over costs nothing next to the work.
    static let batchSize = 1_024

    private let queue = DispatchQueue(label: "drs.facets")
    /// Read and written on `queue` only.
    private var delta = FacetDelta()
    private var pending: [Inserted] = []

    /// Called by the writer's thread only.
    func add(_ record: JobRecord, lane: Int, ordinal: Int64) {
        pending.append(Inserted(record: record, lane: lane, ordinal: ordinal))
        if pending.count >= Self.batchSize { handOver() }
    }

    private func handOver() {
        let batch = pending
        pending = []
        pending.reserveCapacity(Self.batchSize)
        queue.async {
            for task in batch { self.delta.record(Facets.of(task.record, lane: task.lane), ordinal: task.ordinal, set: true) }
        }
    }

    /// The changes of every task added, then `later`; the builder is empty afterwards.
    func finish(then later: FacetDelta) -> FacetDelta {
        if !pending.isEmpty { handOver() }
        return queue.sync {
            var result = delta
            delta = FacetDelta()
            result.append(later)
            return result
        }
    }
}
