import DRSDomain
import DRSTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The endpoints of `lifecycle.md` §2 as the tests call them.
enum Endpoint: String, CaseIterable, Sendable {
    case create = "batch-creation"
    case status = "batch-status"
    case detail = "batch-detail"
    case progress = "batch-progress"
    case connection = "batch-connection"
    case precheck = "batch-precheck"
    case precheckResult = "batch-precheck-result"
    case modify = "batch-modification"
    case start = "batch-starting"
    case pause = "batch-pause-task"
    case retry = "batch-retry-task"
    case delete = "batch-jobs"
    case switchOver = "batch-switchover"

    var method: HTTPRequest.Method {
        switch self {
        case .modify: return .put
        case .delete: return .delete
        default: return .post
        }
    }

    /// The success code (§2).
    var success: Int {
        switch self {
        case .create, .progress, .start, .delete, .switchOver: return 202
        default: return 200
        }
    }
}

extension TestClientProtocol {
    /// A lifecycle request with JSON headers and a token.
    func call(
        _ endpoint: Endpoint,
        _ body: String?,
        project: String = Fixture.projectA,
        token: String?,
        language: String? = nil,
        contentType: String? = "application/json"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let contentType { headers[.contentType] = contentType }
        if let token { headers[HTTPField.Name("X-Auth-Token")!] = token }
        if let language { headers[HTTPField.Name("X-Language")!] = language }
        return try await execute(
            uri: "/v3/\(project)/jobs/\(endpoint.rawValue)",
            method: endpoint.method,
            headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        )
    }
}

extension TestResponse {
    /// The body as an ordered JSON value.
    var document: JSONValue {
        get throws { try JSONParser.parse(Array(body.readableBytesView)) }
    }

    /// `results` of a batch answer.
    var results: [JSONValue] {
        get throws {
            guard case .array(let items)? = try document["results"] else { throw LifecycleTestError.noResults(text) }
            return items
        }
    }
}

enum LifecycleTestError: Error {
    case noResults(String)
}

extension JSONValue {
    /// An object's keys, in order.
    var keys: [String] { objectMembers?.map(\.key) ?? [] }
}

/// Request bodies of the tests.
enum Bodies {
    static func endpoint(ip: String, password: String = "s3cret", extra: String = "") -> String {
        #"{"db_type":"mysql","ip":"\#(ip)","db_port":3306,"db_user":"root","db_password":"\#(password)"\#(extra)}"#
    }

    /// A create item (the reference's SDK walk).
    static func createItem(
        _ name: String,
        use: String = "migration",
        engine: String = "mysql",
        net: String = "eip",
        extra: String = ""
    )
        -> String
    {
        let bind = net == "eip" ? #","bind_eip":true"# : ""
        let target = endpoint(ip: "198.51.100.7", extra: #","region":"eu-de","inst_id":"e05a3679efe241d8b5dee80b17c1a863in01""#)
        return #"{"name":"\#(name)","db_use_type":"\#(use)","engine_type":"\#(engine)","job_direction":"up","net_type":"\#(net)""#
            + bind
            + #","node_type":"high","task_type":"FULL_INCR_TRANS","customize_sutnet_id":"352ad828-3467-4f03-987a-c55a5a9dd417","source_endpoint":"#
            + endpoint(ip: "192.0.2.10") + #","target_endpoint":"# + target + extra + "}"
    }

    static func create(_ items: String...) -> String { #"{"jobs":["# + items.joined(separator: ",") + "]}" }
    static func ids(_ ids: String...) -> String { #"{"jobs":["# + ids.map { "\"\($0)\"" }.joined(separator: ",") + "]}" }
    static func items(_ items: String...) -> String { #"{"jobs":["# + items.joined(separator: ",") + "]}" }
}
