import DRSDomain
import DRSStorage
import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware: gives every request an ID (echoed as `X-Request-Id`), turns every error into the
/// documented JSON answer, and logs one line per request. Errors that are not the client's fault are logged with
/// their cause, which never reaches the client.
struct RequestEnvelopeMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        context.requestID = Self.makeRequestID()
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        context.logger[metadataKey: "hb.request.id"] = nil
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            if apiError.httpStatus >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            response = apiError.response(language: Language(header: request.headers[.xLanguage]), requestID: context.requestID)
        }
        response.headers[.xRequestID] = context.requestID
        let elapsed = ContinuousClock.now - started
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .string(Self.milliseconds(elapsed)),
                "project": .string(Self.project(in: request.uri.path)),
            ]
        )
        return response
    }

    /// 32 random lowercase hex characters.
    static func makeRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    private static func milliseconds(_ duration: Swift.Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        return String(Double(micros) / 1000)
    }

    /// The `{project_id}` segment of `/v3/{project_id}/…`, or "-".
    static func project(in path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0] == "v3" else { return "-" }
        return String(parts[1].prefix(64))
    }
}
