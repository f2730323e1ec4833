import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The request context of every route: Hummingbird's core storage plus our request ID.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The `X-Request-Id` of this request, set by ``RequestEnvelopeMiddleware``.
    public var requestID: String = ""
    /// The caller's project, once ``ProjectFrontDoor`` let the request in.
    public var project: String = ""
    /// The request body, collected by ``ProjectFrontDoor``.
    public var body = ByteBuffer()
    /// The connection, which a streamed answer closes when it must stop half-way (the client took no data).
    public let channel: (any Channel)?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// The context's logger with `request_id` in place of Hummingbird's own `hb.request.id`.
    var loggerWithRequestID: Logger {
        var logger = logger
        logger[metadataKey: "request_id"] = .string(requestID)
        logger[metadataKey: "hb.request.id"] = nil
        return logger
    }
}

extension HTTPField.Name {
    static let xRequestID = Self("X-Request-Id")!
    static let xLanguage = Self("X-Language")!
    static let xAuthToken = Self("X-Auth-Token")!
}
