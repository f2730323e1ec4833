import NIOCore
import Synchronization
import Testing

@testable import DRSAPI

/// The pieces that keep slow readers of streamed lists from holding database connections.
@Suite struct StreamLimitsTests {
    /// A flag tasks wait on, and a record of the order they ran in.
    final class Latch: Sendable {
        private let isOpen = Mutex(false)
        let order = Mutex<[Int]>([])

        func open() { isOpen.withLock { $0 = true } }
        func wait() async throws {
            while !isOpen.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        }
        func record(_ index: Int) { order.withLock { $0.append(index) } }
        var recorded: [Int] { order.withLock { $0 } }
    }

    @Test func slotsAdmitTheirCountAndQueueTheRestInOrder() async throws {
        let slots = StreamSlots(2)
        let latch = Latch()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<2 {
                group.addTask {
                    try await slots.withSlot {
                        latch.record(index)
                        try await latch.wait()
                    }
                }
            }
            while slots.free > 0 { await Task.yield() }
            group.addTask { try await slots.withSlot { latch.record(2) } }
            try await Task.sleep(for: .milliseconds(50))
            #expect(latch.recorded.count == 2, "a third stream waits while two read")
            latch.open()
            try await group.waitForAll()
        }
        #expect(latch.recorded.last == 2)
        #expect(slots.free == 2)
    }

    @Test func aCancelledWaitLeavesTheQueue() async throws {
        let slots = StreamSlots(1)
        let latch = Latch()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await slots.withSlot { try await latch.wait() } }
            while slots.free > 0 { await Task.yield() }
            let waiter = Task { try await slots.withSlot {} }
            try await Task.sleep(for: .milliseconds(20))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            latch.open()
            try await group.waitForAll()
        }
        #expect(slots.free == 1)
    }

    @Test func batchesPassInOrderAndTheEndIsSeen() async throws {
        let handoff = BatchHandoff(capacity: 2, stall: .seconds(600))
        async let received: [String] = {
            var texts: [String] = []
            while let buffer = try await handoff.next() { texts.append(String(buffer: buffer)) }
            return texts
        }()
        for index in 0..<20 { try await handoff.put(ByteBuffer(string: "\(index)")) }
        handoff.end()
        #expect(try await received == (0..<20).map(String.init))
    }

    /// A reader that takes nothing: the writer gives up after the stall time instead of waiting for ever.
    @Test func aStalledReaderMakesTheWriterGiveUp() async throws {
        let handoff = BatchHandoff(capacity: 1, stall: .milliseconds(200))
        try await handoff.put(ByteBuffer(string: "a"))
        await #expect(throws: StreamStalled.self) {
            try await handoff.put(ByteBuffer(string: "b"))
            try await handoff.put(ByteBuffer(string: "c"))
        }
        await #expect(throws: StreamStalled.self) { _ = try await handoff.next() }
    }

    @Test func aCancelledReaderEndsTheWriterToo() async throws {
        let handoff = BatchHandoff(capacity: 1, stall: .seconds(30))
        let reader = Task { try await handoff.next() }
        try await Task.sleep(for: .milliseconds(20))
        reader.cancel()
        await #expect(throws: CancellationError.self) { _ = try await reader.value }
        await #expect(throws: CancellationError.self) { try await handoff.put(ByteBuffer(string: "x")) }
    }
}
