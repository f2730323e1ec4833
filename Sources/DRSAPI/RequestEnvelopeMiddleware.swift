import DRSDomain
import DRSStorage
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The outermost middleware: gives every request an ID (echoed as `X-Request-Id`), turns every error into the
/// documented JSON answer, and logs one line per request. Errors that are not the client's fault are logged with
/// their cause, which never reaches the client.
struct RequestEnvelopeMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// Where requests are counted and timed (by matched route, method and status), if anywhere.
    var metrics: DRSMetrics?

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        context.requestID = Self.makeRequestID()
        // Metadata costs a dictionary copy per request: set only when this request's line will be logged. Error and
        // stream-failure lines add the request ID themselves.
        if context.logger.logLevel <= .info { context.logger = context.loggerWithRequestID }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            if apiError.httpStatus >= 500 {
                // One line per failure, whatever the error's own text holds (a statement's text spans lines).
                let cause = String(reflecting: error).split(whereSeparator: \.isNewline).joined(separator: " ")
                context.loggerWithRequestID.error("request failed", metadata: ["error": .string(cause)])
            }
            response = apiError.response(language: Language(header: request.headers[.xLanguage]), requestID: context.requestID)
        }
        response.headers[.xRequestID] = context.requestID
        let elapsed = ContinuousClock.now - started
        metrics?.recordRequest(
            route: context.endpointPath ?? "NotFound",
            method: request.method,
            status: Int(response.status.code),
            duration: elapsed
        )
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

    /// 32 lowercase hex characters, unique within a process and unrelated across processes: a counter, passed twice
    /// through a 64-bit bijection with random keys drawn once per process (so no two IDs of a process are equal, and
    /// consecutive ones look unrelated). No system call per request.
    static func makeRequestID() -> String {
        let count = requestCounter.add(1, ordering: .relaxed).newValue
        return hex16(mix(count ^ requestIDKeys.0)) + hex16(mix(count &+ requestIDKeys.1))
    }

    /// SplitMix64's finalizer: a bijection on 64-bit integers.
    private static func mix(_ value: UInt64) -> UInt64 {
        var value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    private static let requestIDKeys = (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))
    private static let requestCounter = Atomic<UInt64>(0)

    private static func hex16(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            let digits: StaticString = "0123456789abcdef"
            for index in 0..<16 {
                buffer[index] = digits.utf8Start[Int((value >> UInt64(60 - 4 * index)) & 0xF)]
            }
            return 16
        }
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
