import DRSDomain
import DRSStorage
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Checks `X-Auth-Token` (`auth.md`, "Tokens") and answers with the project the token is scoped to.
final class TokenAuthenticator: Sendable {
    private let store: any JobStore
    private let secret = Mutex<[UInt8]?>(nil)
    /// Projects are never removed, so a project seen once stays known.
    private let knownProjects = Mutex<Set<String>>([])

    init(store: any JobStore) {
        self.store = store
    }

    /// The project ID the request's credentials belong to.
    func authenticate(_ headers: HTTPFields) async throws -> String {
        guard let text = headers[.xAuthToken], !text.isEmpty else {
            throw APIError(.authenticationFailed, detail: "x-auth-token not found")
        }
        let secret = try await tokenSecret()
        let token: ProjectToken
        do throws(ProjectToken.VerificationError) {
            token = try ProjectToken.verify(text, secret: secret, now: Int64(Date().timeIntervalSince1970))
        } catch .expired {
            throw APIError(.tokenExpired)
        } catch {
            throw APIError(.authenticationFailed, detail: "decrypt token fail")
        }
        guard try await projectExists(token.projectID) else {
            throw APIError(.authenticationFailed, detail: "decrypt token fail")
        }
        return token.projectID
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
}
