import DRSDomain
import DRSStorage
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Who is calling: checks `X-Auth-Token` tokens and `SDK-HMAC-SHA256` signatures (`auth.md`) and answers with the
/// project the credentials belong to.
final class Authenticator: Sendable {
    private let store: any IdentityStore
    private let now: @Sendable () -> Int64
    private let secret = Mutex<[UInt8]?>(nil)
    /// Projects are never removed, so a project seen once stays known.
    private let knownProjects = Mutex<Set<String>>([])
    private let lockout: AccessKeyLockout
    private let verifiedTokens = Mutex<[String: (projectID: String, expiresAt: Int64)]>([:])

    init(store: any IdentityStore, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.store = store
        self.now = now
        self.lockout = AccessKeyLockout(now: now)
    }

    /// The project ID of the request's credentials: an AK/SK signature when `Authorization` carries one, else a token.
    func authenticate(_ request: Request, body: ByteBuffer) async throws -> String {
        if let authorization = request.headers[.authorization], authorization.hasPrefix(SDKSignature.algorithm) {
            return try await verifySignature(authorization, request: request, body: body)
        }
        return try await verifyToken(request.headers)
    }

    // MARK: Tokens

    func verifyToken(_ headers: HTTPFields) async throws -> String {
        guard let text = headers[.xAuthToken], !text.isEmpty else {
            throw APIError(.authenticationFailed, detail: "x-auth-token not found")
        }
        // A token verified once needs only its expiry checked again (consoles send the same token on every poll).
        if let known = verifiedTokens.withLock({ $0[text] }) {
            guard known.expiresAt > now() else { throw APIError(.tokenExpired) }
            return known.projectID
        }
        let secret = try await tokenSecret()
        let token: ProjectToken
        do throws(ProjectToken.VerificationError) {
            token = try ProjectToken.verify(text, secret: secret, now: now())
        } catch .expired {
            throw APIError(.tokenExpired)
        } catch {
            throw APIError(.authenticationFailed, detail: "decrypt token fail")
        }
        guard try await projectExists(token.projectID) else {
            throw APIError(.authenticationFailed, detail: "decrypt token fail")
        }
        verifiedTokens.withLock { tokens in
            if tokens.count >= Self.verifiedTokenLimit { tokens.removeAll(keepingCapacity: true) }
            tokens[text] = (token.projectID, token.expiresAt)
        }
        return token.projectID
    }

    /// At most this many verified tokens are remembered; the memory is cleared when it is full.
    static let verifiedTokenLimit = 10_000

    /// A new token for `project`, valid for `seconds`.
    func issueToken(project: String, seconds: Int64) async throws -> ProjectToken {
        let issued = now()
        return ProjectToken(projectID: project, issuedAt: issued, expiresAt: issued + seconds)
    }

    func encode(_ token: ProjectToken) async throws -> String {
        token.encoded(secret: try await tokenSecret())
    }

    private func tokenSecret() async throws -> [UInt8] {
        if let cached = secret.withLock({ $0 }) { return cached }
        let loaded = try await store.tokenSecret()
        secret.withLock { $0 = loaded }
        return loaded
    }

    private func projectExists(_ id: String) async throws -> Bool {
        if knownProjects.withLock({ $0.contains(id) }) { return true }
        guard try await store.projectExists(id) else { return false }
        knownProjects.withLock { _ = $0.insert(id) }
        return true
    }

    // MARK: AK/SK

    static let signatureFailed = APIError(.authenticationFailed, detail: "verify aksk signature fail")

    private func verifySignature(_ header: String, request: Request, body: ByteBuffer) async throws -> String {
        guard let authorization = SDKSignature.parseAuthorization(header),
            authorization.signedHeaders.contains("host"), authorization.signedHeaders.contains("x-sdk-date")
        else { throw Self.signatureFailed }
        let accessKey = authorization.accessKey
        guard !lockout.isLocked(accessKey) else { throw Self.signatureFailed }
        guard let credential = try await store.credential(accessKey: accessKey) else {
            throw APIError(.authenticationFailed, detail: "ak not exist")
        }
        guard let dateText = request.headers[HTTPField.Name("X-Sdk-Date")!], let date = SDKSignature.parseDate(dateText) else {
            lockout.recordFailure(accessKey)
            throw Self.signatureFailed
        }
        guard abs(now() - date) <= SDKSignature.maxClockSkewSeconds else {
            lockout.recordFailure(accessKey)
            throw APIError(.authenticationFailed, detail: "signature expired")
        }
        let payloadHash: String
        if body.readableBytes == 0 {
            payloadHash = SDKSignature.emptyPayloadHash
        } else if let declared = request.headers[HTTPField.Name("X-Sdk-Content-Sha256")!] {
            // The SDK's UNSIGNED-PAYLOAD is taken as written; a declared hash must be the body's.
            if declared != "UNSIGNED-PAYLOAD", declared.lowercased() != SDKSignature.hexSHA256(body.readableBytesView) {
                lockout.recordFailure(accessKey)
                throw Self.signatureFailed
            }
            payloadHash = declared
        } else {
            payloadHash = SDKSignature.hexSHA256(body.readableBytesView)
        }
        guard
            let canonical = SDKSignature.canonicalRequest(
                method: request.method.rawValue,
                path: request.uri.path,
                query: request.uri.query ?? "",
                signedHeaders: authorization.signedHeaders,
                header: { name in Self.header(name, in: request) },
                payloadHash: payloadHash
            )
        else {
            lockout.recordFailure(accessKey)
            throw Self.signatureFailed
        }
        let expected = SDKSignature.signature(
            secretKey: credential.secretKey,
            stringToSign: SDKSignature.stringToSign(date: dateText, canonicalRequest: canonical)
        )
        guard SDKSignature.constantTimeEqual(expected, authorization.signature) else {
            lockout.recordFailure(accessKey)
            throw Self.signatureFailed
        }
        lockout.recordSuccess(accessKey)
        return credential.projectID
    }

    /// A signed header's value; `host` falls back to the request's authority (HTTP/1 `Host` becomes `:authority`).
    private static func header(_ name: String, in request: Request) -> String? {
        if name == "host" { return request.head.authority }
        guard let field = HTTPField.Name(name) else { return nil }
        let values = request.headers[values: field]
        return values.isEmpty ? nil : values.joined(separator: ",")
    }
}

/// After 5 consecutive failures for one access key, that key is refused for 5 minutes (per process).
final class AccessKeyLockout: Sendable {
    static let maxFailures = 5
    static let lockSeconds: Int64 = 300

    private struct State {
        var failures = 0
        var lockedUntil: Int64 = 0
    }

    private let states = Mutex<[String: State]>([:])
    private let now: @Sendable () -> Int64

    init(now: @escaping @Sendable () -> Int64) {
        self.now = now
    }

    func isLocked(_ key: String) -> Bool {
        let time = now()
        return states.withLock { ($0[key]?.lockedUntil ?? 0) > time }
    }

    func recordFailure(_ key: String) {
        let time = now()
        states.withLock { states in
            var state = states[key] ?? State()
            state.failures += 1
            if state.failures >= Self.maxFailures {
                state.failures = 0
                state.lockedUntil = time + Self.lockSeconds
            }
            states[key] = state
        }
    }

    func recordSuccess(_ key: String) {
        states.withLock { _ = $0.removeValue(forKey: key) }
    }
}
