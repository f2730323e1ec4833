import DRSDomain
import DRSStorage
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `POST /v3/{project_id}/jobs`: "Querying Tasks of a Tenant".
struct JobsController: Sendable {
    let store: any TaskStore
    let limits: APILimits

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
            return Self.json(streamAll(query, project: pathProject, logger: context.loggerWithRequestID))
        }
    }

    /// Every matching task, written batch by batch from one snapshot: memory does not grow with the task count.
    private func streamAll(_ query: JobQuery, project: String, logger: Logger) -> ResponseBody {
        let store = self.store
        let batchSize = limits.streamBatchSize
        return ResponseBody { writer in
            var first = true
            do {
                try await store.streamAll(
                    query,
                    project: project,
                    batchSize: batchSize,
                    onTotal: { total in
                        var buffer = ByteBuffer()
                        JobsJSON.writeHead(total: total, into: &buffer)
                        try await writer.write(buffer)
                    },
                    render: { rows in
                        var buffer = ByteBufferAllocator().buffer(capacity: 1024 * batchSize)
                        _ = try JobsJSON.writeTasks(rows, first: true, into: &buffer)
                        return buffer
                    },
                    emit: { batch in
                        guard batch.readableBytes > 0 else { return }
                        if !first { try await writer.write(ByteBuffer(staticString: ",")) }
                        first = false
                        try await writer.write(batch)
                    }
                )
            } catch {
                logger.error("streaming a task list failed", metadata: ["error": "\(String(reflecting: error))"])
                throw error
            }
            var tail = ByteBuffer()
            JobsJSON.writeTail(into: &tail)
            try await writer.write(tail)
            try await writer.finish(nil)
        }
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

    public init() {}
}

extension Substring {
    var trimmed: String { String(self).trimmed }
}
