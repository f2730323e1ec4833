import Foundation

/// The errors of `query-jobs.md` §7 and `auth.md`, with their HTTP status and messages.

/// Response language, from `X-Language`.
public enum Language: String, Sendable, CaseIterable {
    case enUS = "en-us"
    case zhCN = "zh-cn"

    /// `en-us` or `zh-cn`, case-insensitive; anything else (or nothing) is `en-us`.
    public init(header: String?) {
        self = header.flatMap { Language(rawValue: $0.trimmed.lowercased()) } ?? .enUS
    }
}

/// An error answer: HTTP status, error code and a message in both languages.
public struct APIError: Error, Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case invalidRequest
        case unsupportedMediaType
        case parameterEmpty
        case parameterInvalid
        case pageInvalid
        case tagKeyNotUnique
        case tagTooLong
        case authenticationFailed
        case tokenExpired
        case invalidProjectID
        case notFound
        case entityTooLarge
        case internalError
        case serviceUnavailable
        case wrongCredentials
        case duplicate
        case tooManyTags
        case throttled
    }

    public var kind: Kind
    /// The value for the message's `%s`, per language.
    public var detail: [Language: String]

    public init(_ kind: Kind, detail: String? = nil) {
        self.kind = kind
        self.detail = detail.map { [.enUS: $0, .zhCN: $0] } ?? [:]
    }

    public init(_ kind: Kind, en: String, zh: String) {
        self.kind = kind
        self.detail = [.enUS: en, .zhCN: zh]
    }

    public static func empty(_ field: String) -> APIError { APIError(.parameterEmpty, detail: field) }
    public static func invalid(_ field: String) -> APIError { APIError(.parameterInvalid, detail: field) }

    public var httpStatus: Int { Self.table[kind]!.status }
    public var code: String { Self.table[kind]!.code }
    /// Gateway-level errors (`APIGW.*`) also carry `request_id` in their body.
    public var isGatewayError: Bool { code.hasPrefix("APIGW.") }

    public func message(in language: Language) -> String {
        let template = language == .zhCN ? Self.table[kind]!.zh : Self.table[kind]!.en
        guard let value = detail[language] else { return template }
        return template.replacingFirst("%s", with: value)
    }

    private struct Entry {
        var status: Int
        var code: String
        var en: String
        var zh: String
    }

    private static let table: [Kind: Entry] = [
        .invalidRequest: Entry(status: 400, code: "DRS.M00007", en: "Invalid request parameter.", zh: "请求参数无效。"),
        .unsupportedMediaType: Entry(
            status: 415,
            code: "DRS.M00007",
            en: "Invalid request parameter. Content-Type must be application/json.",
            zh: "请求参数无效。Content-Type必须为application/json。"
        ),
        .parameterEmpty: Entry(status: 400, code: "DRS.M00201", en: "The parameter %s is empty.", zh: "参数%s为空。"),
        .parameterInvalid: Entry(status: 400, code: "DRS.M00202", en: "The value of parameter %s is invalid.", zh: "参数%s的值无效。"),
        .pageInvalid: Entry(status: 400, code: "DRS.M00210", en: "The value of Page is invalid, %s", zh: "分页参数的值无效，%s"),
        .tagKeyNotUnique: Entry(status: 400, code: "DRS.M00269", en: "The tag key must be unique.", zh: "标签键必须唯一。"),
        .tagTooLong: Entry(status: 400, code: "DRS.M00270", en: "The tag key or value is too long.", zh: "标签键或值过长。"),
        .authenticationFailed: Entry(
            status: 401,
            code: "APIGW.0301",
            en: "Incorrect IAM authentication information: %s",
            zh: "IAM认证信息错误：%s"
        ),
        .tokenExpired: Entry(status: 401, code: "APIGW.0307", en: "The token must be updated.", zh: "Token需要更新。"),
        .invalidProjectID: Entry(status: 403, code: "DRS.M00261", en: "Invalid project ID.", zh: "项目ID无效。"),
        .notFound: Entry(
            status: 404,
            code: "APIGW.0101",
            en: "The API does not exist or has not been published in the environment.",
            zh: "API不存在或未在环境中发布。"
        ),
        .entityTooLarge: Entry(status: 413, code: "APIGW.0201", en: "Request entity too large.", zh: "请求体过大。"),
        .internalError: Entry(status: 500, code: "DRS.M00004", en: "Service is abnormal.", zh: "服务异常。"),
        .serviceUnavailable: Entry(status: 503, code: "DRS.M00004", en: "Service is abnormal.", zh: "服务异常。"),
        .duplicate: Entry(status: 400, code: "DRS.M00301", en: "There are duplicate %s in request.", zh: "请求中存在重复的%s。"),
        .tooManyTags: Entry(status: 400, code: "DRS.M00271", en: "The maximum number of tags has been reached.", zh: "标签数量已达上限。"),
        .throttled: Entry(status: 429, code: "APIGW.0308", en: "The throttling threshold has been reached.", zh: "已达到流控阈值。"),
        .wrongCredentials: Entry(
            status: 401,
            code: "APIGW.0301",
            en: "Incorrect IAM authentication information: the username or password is wrong.",
            zh: "IAM认证信息错误：用户名或密码错误。"
        ),
    ]
}

extension String {
    /// The string without surrounding white space and newlines.
    public var trimmed: String {
        // Nearly always nothing to trim: visible ASCII at both ends.
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) { return self }
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
