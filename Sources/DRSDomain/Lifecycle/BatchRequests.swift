/// The request bodies of the batch endpoints other than create and modify (`lifecycle.md` §6).

/// One item of an operation endpoint: which task, and what to do with it.
public struct OperationItem: Equatable, Sendable {
    public var id: String
    public var operation: LifeOperation

    public init(id: String, operation: LifeOperation) {
        self.id = id
        self.operation = operation
    }
}

/// Which IDs of a status or detail request are answered (§6.2): the requested page of the submitted list.
public struct IDPage: Equatable, Sendable {
    public var ids: [String]
}

public enum BatchRequests {
    /// batch-status and batch-detail: IDs and `page_req` (or `pageReq`).
    public static func page(_ body: some Collection<UInt8>) throws(APIError) -> IDPage {
        let fields = try BatchRequest.fields(body)
        let ids = try BatchRequest.ids(fields)
        var pageField = "page_req"
        var value = try fields.value("page_req")
        if value == nil {
            pageField = "pageReq"
            value = try fields.value("pageReq")
        }
        guard let value else { return IDPage(ids: ids) }
        let page = try PathFields(value, path: pageField)
        let current = try number(page, "cur_page") ?? 1
        let size = try number(page, "per_page") ?? 5
        guard current >= 0 else {
            throw APIError(.pageInvalid, en: "cur_page must be greater than or equal to 0.", zh: "cur_page必须大于或等于0。")
        }
        guard (0...100).contains(size) else {
            throw APIError(.pageInvalid, en: "per_page must be between 0 and 100.", zh: "per_page必须在0到100之间。")
        }
        guard size != 0 || current <= 1 else {
            throw APIError(.pageInvalid, en: "cur_page must be 0 or 1 when per_page is 0.", zh: "per_page为0时，cur_page只能为0或1。")
        }
        if current == 0 || size == 0 { return IDPage(ids: ids) }
        let start = (current - 1).multipliedReportingOverflow(by: size)
        guard !start.overflow, start.partialValue < ids.count else {
            throw APIError(
                .pageInvalid,
                en: "cur_page exceeds the number of pages.",
                zh: "cur_page超过总页数。"
            )
        }
        return IDPage(ids: Array(ids[start.partialValue..<min(ids.count, start.partialValue + size)]))
    }

    private static func number(_ fields: PathFields, _ name: String) throws(APIError) -> Int? {
        guard let value = try fields.value(name) else { return nil }
        guard let literal = value.integerLiteral else { throw .invalid(fields.field(name)) }
        guard let number = literal else { throw APIError(.pageInvalid, en: "\(name) is out of range.", zh: "\(name)超出范围。") }
        return number
    }

    /// batch-progress and batch-precheck-result: task IDs.
    public static func ids(_ body: some Collection<UInt8>) throws(APIError) -> [String] {
        try BatchRequest.ids(try BatchRequest.fields(body))
    }

    /// batch-switchover: task IDs and `is_pause_job` for all of them.
    public static func switchOver(_ body: some Collection<UInt8>) throws(APIError) -> [OperationItem] {
        let fields = try BatchRequest.fields(body)
        let ids = try BatchRequest.ids(fields)
        let pause = try fields.bool("is_pause_job") ?? false
        return ids.map { OperationItem(id: $0, operation: .switchOver(pauseJob: pause)) }
    }

    /// batch-precheck: `{"job_id", "precheck_mode"}` items.
    public static func precheck(_ body: some Collection<UInt8>) throws(APIError) -> [OperationItem] {
        try operations(body) { item, id throws(APIError) in
            .precheck(mode: try item.oneOf("precheck_mode", ["forStartJob", "forRetryJob"], required: true)!)
        }
    }

    /// batch-pause-task: `{"job_id", "pause_mode"}` items.
    public static func pause(_ body: some Collection<UInt8>) throws(APIError) -> [OperationItem] {
        try operations(body) { item, _ throws(APIError) in .pause(mode: try item.oneOf("pause_mode", ["target", "all"], required: true)!) }
    }

    /// batch-retry-task: `{"job_id", "is_sync_re_edit"}` items.
    public static func retry(_ body: some Collection<UInt8>) throws(APIError) -> [OperationItem] {
        try operations(body) { item, _ throws(APIError) in
            _ = try item.bool("is_sync_re_edit")
            return .retry
        }
    }

    /// `DELETE batch-jobs`: `{"job_id", "delete_type", "is_show_breakpoint_position"}` items.
    public static func delete(_ body: some Collection<UInt8>) throws(APIError) -> [OperationItem] {
        try operations(body) { item, _ throws(APIError) in
            let type = try item.oneOf("delete_type", ["terminate", "force_terminate", "delete", "roll_back_upgrade_active_standby"], required: true)!
            _ = try item.bool("is_show_breakpoint_position")
            switch type {
            case "terminate": return .terminate
            case "force_terminate": return .forceTerminate
            case "delete": return .delete
            default: return .rollBack
            }
        }
    }

    /// batch-starting: `StartInfo` items; `start_time` must be later than `now` (epoch ms).
    public static func start(_ body: some Collection<UInt8>, now: Int64) throws(APIError) -> [OperationItem] {
        try operations(body) { item, _ throws(APIError) in
            var at: Int64?
            if let text = try item.string("start_time"), !text.isEmpty {
                guard (1...13).contains(text.utf8.count), text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int64(text), value > now
                else {
                    throw .invalid(item.field("start_time"))
                }
                at = value
            }
            if try item.bool("is_only_init_task") == true { throw .invalid(item.field("is_only_init_task")) }
            let compare = try item.bool("is_auto_create_compare")
            return .start(at: at, options: StartOptions(autoCreateCompare: compare))
        }
    }

    /// Items `{"job_id", …}`: the ID first, then the operation's own keys; each task at most once.
    static func operations(
        _ body: some Collection<UInt8>,
        _ operation: (PathFields, String) throws(APIError) -> LifeOperation
    ) throws(APIError) -> [OperationItem] {
        let items = try BatchRequest.items(try BatchRequest.fields(body))
        var result: [OperationItem] = []
        for item in items {
            let id = try item.taskID("job_id")
            result.append(OperationItem(id: id, operation: try operation(item, id)))
        }
        try BatchRequest.unique(result.map(\.id))
        return result
    }
}
