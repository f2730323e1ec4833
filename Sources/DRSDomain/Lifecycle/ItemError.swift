/// A per-item failure of a batch endpoint (`lifecycle.md` §3.2, §10): a code and a message in both languages, inside
/// the endpoint's success answer.
public struct ItemError: Error, Equatable, Sendable {
    public enum Code: String, Sendable, CaseIterable {
        case emptyResult = "DRS.M00002"
        case invalid = "DRS.M00202"
        case nameTaken = "DRS.M00277"
        case notAllowed = "DRS.M00304"
        case busy = "DRS.M01504"
        case notFound = "DRS.M05003"
        case deleted = "DRS.M05004"
        case connection = "DRS.KE0002"
    }

    /// Why `DRS.M00304` refused an operation (appended to its message).
    public enum Reason: Sendable, CaseIterable {
        case precheckNotPassed
        case configurationKeys
        case periodCharged
        case notPrimaryStandby
    }

    public var code: Code
    public var reason: Reason?
    /// `DRS.M00202`: the field (JSON path); `DRS.KE0002`: a fault's own message (nil: the localised default).
    public var detail: String?

    public init(_ code: Code, reason: Reason? = nil, detail: String? = nil) {
        self.code = code
        self.reason = reason
        self.detail = detail
    }

    public func message(in language: Language) -> String {
        let zh = language == .zhCN
        switch code {
        case .emptyResult: return zh ? "返回结果为空。" : "The returned result is empty."
        case .invalid:
            let field = detail ?? ""
            return zh ? "参数\(field)的值无效。" : "The value of parameter \(field) is invalid."
        case .nameTaken: return zh ? "任务名称已存在。" : "The task name already exists."
        case .notAllowed:
            let base = zh ? "当前任务状态下不能调用该接口。" : "This API cannot be called in the current task status."
            guard let reason else { return base }
            return zh ? base + Self.zh(reason) : base + " " + Self.en(reason)
        case .busy:
            return zh
                ? "迁移任务正在执行其他操作或迁移任务异常，请稍后重试。"
                : "Another operation is being performed on the migration task or the migration task is abnormal. Try again later."
        case .notFound: return zh ? "未找到任务信息。" : "Task information not found."
        case .deleted: return zh ? "任务已删除或资源已释放。" : "The task has been deleted or the resource has been released."
        case .connection:
            if let detail { return detail }
            return zh ? "用户名或密码错误。" : "The username or password is incorrect."
        }
    }

    private static func en(_ reason: Reason) -> String {
        switch reason {
        case .precheckNotPassed: return "The pre-check has not passed."
        case .configurationKeys: return "Only name, description, alarm_notify and tags can be modified in this status."
        case .periodCharged: return "Yearly/monthly tasks cannot be ended or deleted."
        case .notPrimaryStandby: return "The task is not a primary/standby task."
        }
    }

    private static func zh(_ reason: Reason) -> String {
        switch reason {
        case .precheckNotPassed: return "预检查未通过。"
        case .configurationKeys: return "当前状态下只能修改name、description、alarm_notify和tags。"
        case .periodCharged: return "包年/包月任务不能结束或删除。"
        case .notPrimaryStandby: return "该任务不是主备任务。"
        }
    }
}
