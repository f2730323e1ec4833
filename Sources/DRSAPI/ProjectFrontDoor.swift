import DRSDomain
import HTTPTypes
import Hummingbird
import NIOCore

/// The front door of every `/v3/{project_id}/jobs…` route (`query-jobs.md` §1, `lifecycle.md` §1), in this order:
/// the body (at most the limit: 413), credentials (401), the project wall (403), the project's rate limit (429, when
/// `--rate-limit` set one), `Content-Type` (415), a string holding U+0000 (400: PostgreSQL cannot store it). The
/// handler then finds the project and the collected body in its context. Only authenticated requests count toward a project's limit: nobody can spend another project's budget.
struct ProjectFrontDoor: RouterMiddleware {
    typealias Context = AppRequestContext
    let authenticator: Authenticator
    let limits: APILimits
    let limiter: RateLimiter?

    init(authenticator: Authenticator, limits: APILimits) {
        self.authenticator = authenticator
        self.limits = limits
        self.limiter = limits.rateLimit.map { RateLimiter(rate: $0) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let body = try await request.body.collect(upTo: limits.maxBodyBytes)
        let credentialProject = try await authenticator.authenticate(request, body: body)
        let pathProject = context.parameters.get("project_id") ?? ""
        guard ProjectID.isValid(pathProject), pathProject == credentialProject else { throw APIError(.invalidProjectID) }
        // The SDKs also name the project in X-Project-Id: it must be the path's.
        if let named = request.headers[Self.projectHeader], named != pathProject { throw APIError(.invalidProjectID) }
        if let limiter, let wait = limiter.admit(pathProject) {
            var response = APIError(.throttled).response(language: Language(header: request.headers[.xLanguage]), requestID: context.requestID)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        guard Self.isJSON(request.headers[.contentType]) else { throw APIError(.unsupportedMediaType) }
        if body.withUnsafeReadableBytes({ JSONNUL.isEscaped(in: $0) }) { throw APIError(.invalidRequest) }
        var context = context
        context.project = pathProject
        context.body = body
        return try await next(request, context)
    }

    private static let projectHeader = HTTPField.Name("X-Project-Id")!

    /// `application/json`, with or without parameters such as `;charset=utf-8`.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return mediaType.trimmed.lowercased() == "application/json"
    }
}
