import NIOCore
import NIOPosix
import Synchronization

/// Hands the batches of a streamed answer from the task that reads the database to the task that writes the socket,
/// holding at most `capacity` of them. When the socket does not take a batch for `stall` (a client that stopped
/// reading, or reads a byte a second), the database side gives up: it throws ``StreamStalled``, which ends its read
/// and gives its pooled connection back, and the answer is cut off.
final class BatchHandoff: Sendable {
    private struct State {
        var queue: [ByteBuffer] = []
        var ended = false
        var failure: (any Error)?
        var reader: CheckedContinuation<ByteBuffer?, any Error>?
        var writer: CheckedContinuation<Void, any Error>?
        var writerTimeout: Scheduled<Void>?
        /// The database side holds its slot and reads.
        var reading = false
        /// The server is shutting down: a stalled client gets ``hurriedStall`` at most.
        var hurried = false
    }

    /// The longest wait for a client once the server shuts down.
    static let hurriedStall = Duration.seconds(1)

    let capacity: Int
    let stall: Duration
    private let state = Mutex(State())

    init(capacity: Int, stall: Duration) {
        self.capacity = max(1, capacity)
        self.stall = stall
    }

    /// Queues `buffer` (database side): waits while the queue is full, at most ``stall``.
    func put(_ buffer: ByteBuffer) async throws {
        let handedOver: Bool = try state.withLock { state in
            if let failure = state.failure { throw failure }
            if let reader = state.reader {
                state.reader = nil
                reader.resume(returning: buffer)
                return true
            }
            state.queue.append(buffer)
            return state.queue.count <= capacity
        }
        if handedOver { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            state.withLock { state in
                if let failure = state.failure { return continuation.resume(throwing: failure) }
                guard state.queue.count > capacity else { return continuation.resume() }
                state.writer = continuation
                scheduleTimeout(&state)
            }
        }
    }

    private func scheduleTimeout(_ state: inout State) {
        let wait = state.hurried ? min(stall, Self.hurriedStall) : stall
        state.writerTimeout?.cancel()
        state.writerTimeout = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .init(wait)) {
            self.fail(StreamStalled(stall: wait))
        }
    }

    /// The database side got its slot and reads.
    func began() {
        state.withLock { $0.reading = true }
    }

    /// Graceful shutdown: a stream still waiting for a slot ends now; one whose client takes no data gets a second.
    func hurry() {
        let waitsForSlot: Bool = state.withLock { state in
            state.hurried = true
            if state.writer != nil { scheduleTimeout(&state) }
            return !state.reading && !state.ended && state.failure == nil
        }
        if waitsForSlot { fail(ShuttingDown()) }
    }

    /// The next batch (socket side), or nil once the database side ended.
    func next() async throws -> ByteBuffer? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ByteBuffer?, any Error>) in
                let writer: CheckedContinuation<Void, any Error>? = state.withLock { state in
                    if let failure = state.failure {
                        continuation.resume(throwing: failure)
                        return nil
                    }
                    guard !state.queue.isEmpty else {
                        if state.ended { continuation.resume(returning: nil) } else { state.reader = continuation }
                        return nil
                    }
                    continuation.resume(returning: state.queue.removeFirst())
                    guard state.queue.count <= capacity, let writer = state.writer else { return nil }
                    state.writer = nil
                    state.writerTimeout?.cancel()
                    state.writerTimeout = nil
                    return writer
                }
                writer?.resume()
            }
        } onCancel: {
            fail(CancellationError())
        }
    }

    /// The database side wrote its last batch.
    func end() {
        let reader: CheckedContinuation<ByteBuffer?, any Error>? = state.withLock { state in
            state.ended = true
            defer { state.reader = nil }
            return state.queue.isEmpty ? state.reader : nil
        }
        reader?.resume(returning: nil)
    }

    /// Ends the hand-off with `error` on both sides.
    func fail(_ error: any Error) {
        let (reader, writer) = state.withLock { state in
            if state.failure == nil { state.failure = error }
            state.writerTimeout?.cancel()
            defer {
                state.reader = nil
                state.writer = nil
                state.writerTimeout = nil
            }
            return (state.reader, state.writer)
        }
        reader?.resume(throwing: error)
        writer?.resume(throwing: error)
    }
}

/// A streamed answer's reader took nothing for `stall`.
struct StreamStalled: Error, CustomStringConvertible {
    var stall: Duration
    var description: String { "the client read nothing for \(stall); the answer was cut off" }
}

/// The server shut down before a streamed answer could read the database.
struct ShuttingDown: Error, CustomStringConvertible {
    var description: String { "the server is shutting down" }
}
