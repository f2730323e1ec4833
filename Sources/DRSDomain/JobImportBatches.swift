import Foundation

/// A large import document parsed on a thread of its own, in batches, while the caller writes the batches before it.
///
/// The batches come in the order an import writes best: newest first, for task keys to ascend (a document whose
/// first record is older than its last is read from its end). Each record is checked as in ``JobImport/parse(_:now:makeID:)``
/// and IDs are refused when given twice. The first problem ends the batches with ``Refused``: the caller then drops
/// what it wrote and parses the document whole, which names the first problem in document order.
public final class JobImportBatches: @unchecked Sendable {
    /// Top-level records in the document.
    public let count: Int
    private let condition = NSCondition()
    private var ready: [[JobRecord]] = []
    private var finished = false
    private var refused = false
    private var stopped = false
    /// An async caller waiting for the next batch (``nextWhenReady()``).
    private var waiter: CheckedContinuation<Void, Never>?

    /// The batches end: the document has a problem (parse it whole for the exact one).
    public struct Refused: Error {}

    /// Records per batch; the first is smaller, for the writer to start sooner.
    static let batchSize = 2_000
    static let firstBatchSize = 250

    /// Starts parsing `bytes`; nil when the document is small (parse it whole) or its outline is not an object with a
    /// `jobs` array.
    public init?(_ bytes: [UInt8], now: Int64, makeID: @escaping @Sendable () -> String = JobID.generate) {
        guard bytes.count >= JobImport.parallelMinimumBytes,
            let elements = bytes.withUnsafeBufferPointer({ JSONScan.elements(ofMember: "jobs", in: $0) }), !elements.isEmpty
        else { return nil }
        count = elements.count
        Thread.detachNewThread { [self] in produce(bytes, elements, now: now, makeID: makeID) }
    }

    /// The next batch, waiting for it; nil after the last.
    public func next() throws(Refused) -> [JobRecord]? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished && !refused { condition.wait() }
        if refused { throw Refused() }
        return ready.isEmpty ? nil : ready.removeFirst()
    }

    /// The next batch, suspending (no thread waits) until it is parsed; nil after the last.
    public func nextWhenReady() async throws(Refused) -> [JobRecord]? {
        while !isSettled {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let settled = condition.withLock {
                    if ready.isEmpty && !finished && !refused {
                        waiter = continuation
                        return false
                    }
                    return true
                }
                if settled { continuation.resume() }
            }
        }
        return try next()
    }

    /// Whether ``next()`` answers at once.
    private var isSettled: Bool {
        condition.withLock { !ready.isEmpty || finished || refused }
    }

    /// Every remaining record, in batch order.
    public func all() async throws(Refused) -> [JobRecord] {
        var records: [JobRecord] = []
        records.reserveCapacity(count)
        while let batch = try await nextWhenReady() { records += batch }
        return records
    }

    /// Tells the parsing thread to stop (the caller gave up).
    public func stop() {
        condition.withLock { stopped = true }
    }

    private func produce(_ bytes: [UInt8], _ elements: [Range<Int>], now: Int64, makeID: () -> String) {
        func record(_ index: Int) -> JobRecord? {
            guard let value = try? JSONParser.parse(bytes[elements[index]], maxDepth: JobImport.maxDepth - 2),
                var record = try? JobImport.parseRecord(value, path: "jobs[\(index)]", now: now, makeID: makeID, allowChildren: true)
            else { return nil }
            record.children.sort(by: JobRecord.childOrder)
            return record
        }
        var seen = Set<String>(minimumCapacity: elements.count)
        func fresh(_ record: JobRecord) -> Bool {
            guard seen.insert(record.id).inserted else { return false }
            return record.children.allSatisfy { seen.insert($0.id).inserted }
        }
        // A document written oldest first (the first record older than the last) is read from its end.
        guard let first = record(0), let last = record(elements.count - 1) else { return end(refused: true) }
        let backwards = first.createTime < last.createTime
        var batch: [JobRecord] = []
        var size = Self.firstBatchSize
        for step in 0..<elements.count {
            let index = backwards ? elements.count - 1 - step : step
            let parsed = index == 0 ? first : index == elements.count - 1 ? last : record(index)
            guard let parsed, fresh(parsed) else { return end(refused: true) }
            batch.append(parsed)
            if batch.count == size || step == elements.count - 1 {
                guard deliver(batch) else { return }
                batch = []
                size = Self.batchSize
            }
        }
        end(refused: false)
    }

    /// Hands a batch over; false when the caller stopped listening.
    private func deliver(_ batch: [JobRecord]) -> Bool {
        condition.lock()
        guard !stopped else {
            condition.unlock()
            return false
        }
        ready.append(batch)
        condition.signal()
        let waiting = waiter
        waiter = nil
        condition.unlock()
        waiting?.resume()
        return true
    }

    private func end(refused: Bool) {
        condition.lock()
        if refused { self.refused = true } else { finished = true }
        condition.broadcast()
        let waiting = waiter
        waiter = nil
        condition.unlock()
        waiting?.resume()
    }
}
