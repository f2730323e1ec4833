import DRSDomain
import DRSLifecycle
import HTTPTypes
import Hummingbird
import NIOCore

/// The thirteen batch endpoints of `lifecycle.md` §2, behind ``ProjectFrontDoor``. Request-level problems are thrown
/// (400, nothing changes); each item is then handled in its own transaction, in request order (§3.2).
struct LifecycleController: Sendable {
    let lifecycle: TaskLifecycle

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("batch-creation", use: create)
        group.post("batch-status", use: status)
        group.post("batch-detail", use: detail)
        group.post("batch-progress", use: progress)
        group.post("batch-connection", use: connection)
        group.post("batch-precheck", use: precheck)
        group.post("batch-precheck-result", use: precheckResult)
        group.put("batch-modification", use: modify)
        group.post("batch-starting", use: start)
        group.post("batch-pause-task", use: pause)
        group.post("batch-retry-task", use: retry)
        group.delete("batch-jobs", use: delete)
        group.post("batch-switchover", use: switchOver)
    }

    private func language(_ request: Request) -> Language { Language(header: request.headers[.xLanguage]) }

    // MARK: Writes

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        let items = try CreateJobRequest.parse(context.body.readableBytesView)
        var results: [JSONValue] = []
        for item in items {
            var record = item.record
            record.id = JobID.generate()
            let outcome = try await lifecycle.create(
                record,
                config: item.config.text,
                fault: item.fault.map { Fault(at: $0) },
                project: context.project
            )
            switch outcome {
            case .success(let task):
                results.append(
                    .object([
                        ("id", .string(task.record.id)), ("name", .string(task.record.name)), ("status", .string(task.record.status.rawValue)),
                        ("create_time", LifecycleJSON.millis(task.record.createTime)),
                    ])
                )
            case .failure(let error):
                results.append(LifecycleJSON.failure("name", record.name, error, language: language(request)))
            }
        }
        return Self.answer(results, status: .accepted)
    }

    @Sendable func start(request: Request, context: AppRequestContext) async throws -> Response {
        try await operate(try BatchRequests.start(context.body.readableBytesView, now: lifecycle.clock()), request, context, status: .accepted)
    }

    @Sendable func pause(request: Request, context: AppRequestContext) async throws -> Response {
        try await operate(try BatchRequests.pause(context.body.readableBytesView), request, context, status: .ok)
    }

    @Sendable func retry(request: Request, context: AppRequestContext) async throws -> Response {
        try await operate(try BatchRequests.retry(context.body.readableBytesView), request, context, status: .ok)
    }

    @Sendable func delete(request: Request, context: AppRequestContext) async throws -> Response {
        try await operate(try BatchRequests.delete(context.body.readableBytesView), request, context, status: .accepted)
    }

    @Sendable func precheck(request: Request, context: AppRequestContext) async throws -> Response {
        let items = try BatchRequests.precheck(context.body.readableBytesView)
        var results: [JSONValue] = []
        for item in items {
            switch try await lifecycle.operate(item.operation, id: item.id, project: context.project) {
            case .success:
                results.append(.object([("id", .string(item.id)), ("status", .string("success")), ("precheck_id", .string(item.id))]))
            case .failure(let error):
                results.append(Self.failedItem(item.id, error, language(request)))
            }
        }
        return Self.answer(results, status: .ok)
    }

    /// Items `{"id", "status"}`: `success`, or `failed` with the error keys.
    private func operate(
        _ items: [OperationItem],
        _ request: Request,
        _ context: AppRequestContext,
        status: HTTPResponse.Status
    ) async throws -> Response {
        var results: [JSONValue] = []
        for item in items {
            switch try await lifecycle.operate(item.operation, id: item.id, project: context.project) {
            case .success: results.append(.object([("id", .string(item.id)), ("status", .string("success"))]))
            case .failure(let error): results.append(Self.failedItem(item.id, error, language(request)))
            }
        }
        return Self.answer(results, status: status)
    }

    static func failedItem(_ id: String, _ error: ItemError, _ language: Language) -> JSONValue {
        LifecycleJSON.failure("id", id, error, language: language, before: [("status", .string("failed"))])
    }

    @Sendable func modify(request: Request, context: AppRequestContext) async throws -> Response {
        let items = try ModifyJobRequest.parse(context.body.readableBytesView)
        var results: [JSONValue] = []
        for item in items {
            switch try await lifecycle.modify(item, project: context.project) {
            case .success: results.append(.object([("id", .string(item.id)), ("status", .string("success"))]))
            case .failure(let error): results.append(Self.failedItem(item.id, error, language(request)))
            }
        }
        return Self.answer(results, status: .ok)
    }

    @Sendable func connection(request: Request, context: AppRequestContext) async throws -> Response {
        let items = try ConnectionRequest.parse(context.body.readableBytesView)
        // One check per task (a connection fault fails every item of its task in the request, then is disarmed).
        var outcomes: [String: Result<Fault?, ItemError>] = [:]
        for item in items where outcomes[item.id] == nil {
            outcomes[item.id] = try await lifecycle.testConnection(id: item.id, project: context.project)
        }
        let language = language(request)
        let results: [JSONValue] = items.map { item in
            switch outcomes[item.id]! {
            case .success(nil):
                return .object([("id", .string(item.id)), ("status", .string("success")), ("success", .bool(true))])
            case .success(let fault?):
                let error = ItemError(.connection, detail: fault.message)
                return LifecycleJSON.failure(
                    "id",
                    item.id,
                    error,
                    language: language,
                    before: [("status", .string("failed"))],
                    after: [("success", .bool(false))]
                )
            case .failure(let error):
                return LifecycleJSON.failure(
                    "id",
                    item.id,
                    error,
                    language: language,
                    before: [("status", .string("failed"))],
                    after: [("success", .bool(false))]
                )
            }
        }
        return Self.answer(results, status: .ok)
    }

    @Sendable func switchOver(request: Request, context: AppRequestContext) async throws -> Response {
        let items = try BatchRequests.switchOver(context.body.readableBytesView)
        var results: [JSONValue] = []
        for item in items {
            switch try await lifecycle.operate(item.operation, id: item.id, project: context.project) {
            case .success(let task):
                let view = try await lifecycle.views(ids: [item.id], project: context.project)[item.id]
                let config = view?.config ?? TaskConfig()
                let created = task.record.createTime
                let updated = task.life.endpointsUpdated ?? created
                var object = JSONObjectBuilder()
                object.add("job_id", item.id)
                object.add("updated_at", LifecycleJSON.isoTime(task.life.updateTime))
                object.add("source_db", LifecycleJSON.endpointVO(config.source, created: created, updated: updated))
                object.add("target_db", LifecycleJSON.endpointVO(config.target, created: created, updated: updated))
                object.add("job_direction", LifecycleJSON.flipped(task.record.jobDirection).rawValue)
                object.add("is_target_readonly", config.isTargetReadonly)
                results.append(object.value)
            case .failure(let error):
                results.append(LifecycleJSON.failure("job_id", item.id, error, language: language(request)))
            }
        }
        return Self.answer(results, status: .accepted)
    }

    // MARK: Reads

    @Sendable func status(request: Request, context: AppRequestContext) async throws -> Response {
        let page = try BatchRequests.page(context.body.readableBytesView)
        return try await read(page.ids, request, context, idKey: "id", messageKey: "error_message", status: .ok) { view, _ in
            .object([("id", .string(view.task.record.id)), ("status", .string(view.task.record.status.rawValue))])
        }
    }

    @Sendable func detail(request: Request, context: AppRequestContext) async throws -> Response {
        let page = try BatchRequests.page(context.body.readableBytesView)
        return try await read(page.ids, request, context, idKey: "id", messageKey: "error_message", status: .ok, countFirst: true) {
            LifecycleJSON.detail($0, at: $1)
        }
    }

    @Sendable func progress(request: Request, context: AppRequestContext) async throws -> Response {
        let ids = try BatchRequests.ids(context.body.readableBytesView)
        return try await read(ids, request, context, idKey: "job_id", messageKey: "error_msg", status: .accepted, countFirst: true) {
            LifecycleJSON.progress($0.task, at: $1)
        }
    }

    @Sendable func precheckResult(request: Request, context: AppRequestContext) async throws -> Response {
        let ids = try BatchRequests.ids(context.body.readableBytesView)
        let language = language(request)
        return try await read(ids, request, context, idKey: "precheck_id", messageKey: "error_msg", status: .ok) { view, now in
            if let refusal = Lifecycle.refusal(of: .precheckResult, on: view.task, at: now) {
                return LifecycleJSON.failure("precheck_id", view.task.record.id, refusal, language: language)
            }
            return LifecycleJSON.precheckResult(view, run: view.task.life.precheck!, at: now)
        }
    }

    /// A read of the tasks with these IDs (one snapshot): `item` answers a task; an ID the project does not have is
    /// `DRS.M05003` under `idKey` and `messageKey`.
    private func read(
        _ ids: [String],
        _ request: Request,
        _ context: AppRequestContext,
        idKey: String,
        messageKey: String,
        status: HTTPResponse.Status,
        countFirst: Bool = false,
        _ item: (LifeView, Int64) -> JSONValue
    ) async throws -> Response {
        let views = try await lifecycle.views(ids: ids, project: context.project)
        let now = lifecycle.clock()
        let results: [JSONValue] = ids.map { id in
            guard let view = views[id] else { return Self.notFound(idKey, id, messageKey: messageKey, language(request)) }
            return item(view, now)
        }
        return Self.answer(results, status: status, countFirst: countFirst)
    }

    static func notFound(_ key: String, _ id: String, messageKey: String, _ language: Language) -> JSONValue {
        LifecycleJSON.failure(key, id, ItemError(.notFound), messageKey: messageKey, language: language)
    }

    /// `{"results": […], "count": N}` (`count` first for detail and progress).
    static func answer(_ results: [JSONValue], status: HTTPResponse.Status, countFirst: Bool = false) -> Response {
        let count = JSONValue.int(results.count)
        let body: JSONValue =
            countFirst ? .object([("count", count), ("results", .array(results))]) : .object([("results", .array(results)), ("count", count)])
        var bytes: [UInt8] = []
        body.write(into: &bytes)
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
