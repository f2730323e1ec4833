import DRSDomain
import DRSStorage
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// `POST /v3/{project_id}/jobs`: "Querying Tasks of a Tenant".
struct JobsController: Sendable {
    let store: any TaskStore
    let limits: APILimits
    let slots: StreamSlots

    init(store: any TaskStore, limits: APILimits) {
        self.store = store
        self.limits = limits
        self.slots = StreamSlots(limits.maxConcurrentStreams)
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(use: query)
    }

    /// Behind ``ProjectFrontDoor``: the body is checked last (400).
    @Sendable func query(request: Request, context: AppRequestContext) async throws -> Response {
        let pathProject = context.project
        let query = try JobQueryParser.parse(context.body.readableBytesView)

        switch query.paging {
        case .page(let offset, let limit):
            let buffer = try await store.page(query, offset: offset, limit: limit, project: pathProject) { total, rows in
                try JobsJSON.page(total: total, rows: rows, allocator: ByteBufferAllocator())
            }
            return Self.json(ResponseBody(byteBuffer: buffer))
        case .all:
            // Surface an unavailable database as 503 before the 200 head is sent.
            _ = try await store.count(query, project: pathProject)
            return Self.json(streamAll(query, project: pathProject, channel: context.channel, logger: context.loggerWithRequestID))
        }
    }

    /// Every matching task, written batch by batch from one snapshot: memory does not grow with the task count.
    ///
    /// The database side and the socket side are two tasks with a few batches between them (``BatchHandoff``): the
    /// database side holds one of ``APILimits/maxConcurrentStreams`` slots and a pooled connection only while it reads,
    /// and gives both back when the client stops taking data for ``APILimits/streamStall``.
    private func streamAll(_ query: JobQuery, project: String, channel: (any Channel)?, logger: Logger) -> ResponseBody {
        let store = self.store
        let slots = self.slots
        let batchSize = limits.streamBatchSize
        let handoff = BatchHandoff(capacity: limits.streamQueue, stall: limits.streamStall)
        return ResponseBody { writer in
            let socket = WriterBox(writer)
            // At shutdown, streams still waiting for a slot end, and stalled clients get a second (not the stall time).
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            try await slots.withSlot {
                                handoff.began()
                                try await Self.read(query, project: project, store: store, batchSize: batchSize, into: handoff)
                            }
                            handoff.end()
                        } catch {
                            if !(error is CancellationError || error is ShuttingDown) {
                                logger.error("streaming a task list failed", metadata: ["error": "\(String(reflecting: error))"])
                            }
                            handoff.fail(error)
                            // A socket write waiting for a client that reads nothing does not end when its task is
                            // cancelled: closing the connection ends it (the answer is cut off either way).
                            if error is StreamStalled || error is ShuttingDown { channel?.close(promise: nil) }
                            throw error
                        }
                    }
                    group.addTask {
                        while let buffer = try await handoff.next() { try await socket.writer.write(buffer) }
                    }
                    // The first side to fail ends the other (waitForAll would wait for both).
                    while try await group.next() != nil {}
                }
            } onGracefulShutdown: {
                handoff.hurry()
            }
            let finishing = socket.writer
            try await finishing.finish(nil)
        }
    }

    /// The database side of ``streamAll(_:project:channel:logger:)``: head, tasks in batches, tail.
    private static func read(_ query: JobQuery, project: String, store: any TaskStore, batchSize: Int, into handoff: BatchHandoff) async throws {
        var first = true
        try await store.streamAll(
            query,
            project: project,
            batchSize: batchSize,
            onTotal: { total in
                var buffer = ByteBuffer()
                JobsJSON.writeHead(total: total, into: &buffer)
                try await handoff.put(buffer)
            },
            render: { rows in
                var buffer = ByteBufferAllocator().buffer(capacity: 1024 * batchSize)
                _ = try JobsJSON.writeTasks(rows, first: true, into: &buffer)
                return buffer
            },
            emit: { batch in
                guard batch.readableBytes > 0 else { return }
                if !first { try await handoff.put(ByteBuffer(staticString: ",")) }
                first = false
                try await handoff.put(batch)
            }
        )
        var tail = ByteBuffer()
        JobsJSON.writeTail(into: &tail)
        try await handoff.put(tail)
    }

    private static func json(_ body: ResponseBody) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }
}

/// Request limits of the API.
public struct APILimits: Sendable {
    /// Largest accepted request body (413 `APIGW.0201` above).
    public var maxBodyBytes = 1 << 20
    /// Tasks per batch when streaming a whole list.
    public var streamBatchSize = 500
    /// Streamed lists that read the database at once (`--max-streams`); others wait for one to finish reading.
    public var maxConcurrentStreams = 2
    /// Batches a streamed list reads ahead of what the client has taken.
    public var streamQueue = 4
    /// How long a streamed list waits for a client that takes no data before it gives its connection back and cuts
    /// the answer off (`--stream-stall-timeout`).
    public var streamStall: Duration = .seconds(30)
    /// Requests per second per project (`--rate-limit`), with a burst of twice as many; nil: no limit.
    public var rateLimit: Double?

    public init() {}
}

extension Substring {
    var trimmed: String { String(self).trimmed }
}

/// The socket side's writer, moved into the task that writes (only that task uses it until the group ends).
private final class WriterBox: @unchecked Sendable {
    var writer: any ResponseBodyWriter

    init(_ writer: any ResponseBodyWriter) {
        self.writer = writer
    }
}
