import DRSDomain
import DRSStorage
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /v3/auth/tokens`: Keystone-style password authentication, as Huawei IAM answers it (`auth.md`).
struct IdentityController: Sendable {
    let store: any IdentityStore
    let authenticator: Authenticator
    let limits: APILimits
    /// Tokens from the identity API live as long as `drs token issue`'s default.
    static let tokenSeconds: Int64 = 86_400

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.post("/v3/auth/tokens", use: issue)
    }

    /// The password in the body alone authenticates: any `Authorization` header (the IAM SDK signs this call
    /// with whatever AK/SK it was given) is ignored.
    @Sendable func issue(request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: limits.maxBodyBytes)
        guard ProjectFrontDoor.isJSON(request.headers[.contentType]) else { throw APIError(.unsupportedMediaType) }
        if body.withUnsafeReadableBytes({ JSONNUL.isEscaped(in: $0) }) { throw APIError(.invalidRequest) }
        let login = try PasswordLogin.parse(body.readableBytesView)
        guard let user = try await store.user(domain: login.domain, name: login.user),
            PasswordHash.verify(login.password, against: user.passwordHash)
        else { throw APIError(.wrongCredentials) }
        let projectID: String
        switch login.scope {
        case .id(let id): projectID = id
        case .name(let name):
            guard try await store.projectIDs(named: name).contains(user.projectID) else { throw APIError(.wrongCredentials) }
            projectID = user.projectID
        }
        guard projectID == user.projectID, let projectName = try await store.projectName(projectID) else {
            throw APIError(.wrongCredentials)
        }
        let token = try await authenticator.issueToken(project: projectID, seconds: Self.tokenSeconds)
        var buffer = ByteBuffer()
        buffer.writeStaticString("{\"token\":{\"expires_at\":")
        buffer.writeJSONString(Self.iso8601(token.expiresAt))
        buffer.writeStaticString(",\"issued_at\":")
        buffer.writeJSONString(Self.iso8601(token.issuedAt))
        buffer.writeStaticString(",\"methods\":[\"password\"],\"project\":{\"id\":")
        buffer.writeJSONString(projectID)
        buffer.writeStaticString(",\"name\":")
        buffer.writeJSONString(projectName)
        buffer.writeStaticString("},\"user\":{\"id\":")
        buffer.writeJSONString(user.id)
        buffer.writeStaticString(",\"name\":")
        buffer.writeJSONString(user.name)
        buffer.writeStaticString(",\"domain\":{\"name\":")
        buffer.writeJSONString(user.domain)
        buffer.writeStaticString("}}}}")
        return Response(
            status: .created,
            headers: [.contentType: "application/json", HTTPField.Name("X-Subject-Token")!: try await authenticator.encode(token)],
            body: ResponseBody(byteBuffer: buffer)
        )
    }

    /// `2026-11-30T03:00:00.000000Z`, as IAM writes times.
    static func iso8601(_ seconds: Int64) -> String {
        Timestamp.format(secondsSince1970: seconds).replacingOccurrences(of: " ", with: "T") + ".000000Z"
    }
}

/// The parts of a password authentication request that matter.
struct PasswordLogin {
    enum Scope {
        case id(String)
        case name(String)
    }

    var user: String
    var password: String
    var domain: String
    var scope: Scope

    static func parse(_ body: some Collection<UInt8>) throws(APIError) -> PasswordLogin {
        guard let document = try? JSONParser.parse(body) else { throw APIError(.invalidRequest) }
        func member(_ value: JSONValue?, _ key: String) -> JSONValue? {
            value?.objectMembers?.last { $0.key == key }?.value
        }
        func string(_ value: JSONValue?) -> String? {
            if case .string(let text) = value { return text }
            return nil
        }
        let auth = member(document, "auth")
        let identity = member(auth, "identity")
        guard case .array(let methods) = member(identity, "methods"), methods.contains(.string("password")) else {
            throw APIError(.invalidRequest)
        }
        let user = member(member(identity, "password"), "user")
        let project = member(member(auth, "scope"), "project")
        guard let name = string(member(user, "name")), let password = string(member(user, "password")),
            let domain = string(member(member(user, "domain"), "name"))
        else { throw APIError(.invalidRequest) }
        if let id = string(member(project, "id")) {
            return PasswordLogin(user: name, password: password, domain: domain, scope: .id(id))
        }
        guard let projectName = string(member(project, "name")) else { throw APIError(.invalidRequest) }
        return PasswordLogin(user: name, password: password, domain: domain, scope: .name(projectName))
    }
}
