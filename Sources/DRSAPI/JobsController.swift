import DRSDomain
import DRSStorage
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `POST /v3/{project_id}/jobs`: "Querying Tasks of a Tenant".
struct JobsController: Sendable {
    let store: any TaskStore
    let authenticator: Authenticator
    let limits: APILimits

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v3/:project_id/jobs", use: query)
    }

    /// Checks run in this order: body size (413), credentials (401), project (403), Content-Type (415), body (400).
    @Sendable func query(request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: limits.maxBodyBytes)
        let credentialProject = try await authenticator.authenticate(request, body: body)
        let pathProject = context.parameters.get("project_id") ?? ""
        guard ProjectID.isValid(pathProject), pathProject == credentialProject else { throw APIError(.invalidProjectID) }
        // The SDKs also name the project in X-Project-Id: it must be the path's.
        if let named = request.headers[HTTPField.Name("X-Project-Id")!], named != pathProject { throw APIError(.invalidProjectID) }
        guard Self.isJSON(request.headers[.contentType]) else { throw APIError(.unsupportedMediaType) }
        let query = try JobQueryParser.parse(body.readableBytesView)

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

    /// `application/json`, with or without parameters such as `;charset=utf-8`.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return mediaType.trimmed.lowercased() == "application/json"
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
