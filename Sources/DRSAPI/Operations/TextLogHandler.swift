import Logging

/// `LOG_FORMAT=text` (the default): swift-log's `StreamLogHandler` format on standard error, with metadata kept as
/// given until a line is written.
///
/// `StreamLogHandler` formats its whole metadata into text each time a key is set; Hummingbird sets one (the request's
/// `hb.request.id`) on every request, whether or not a line is ever logged: about 2 % of the server's CPU under load
/// at `LOG_LEVEL=notice`. Here the text is made only for a line that is written.
public struct TextLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    private let label: String

    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var stream = StreamLogHandler.standardError(label: label, metadataProvider: metadataProvider)
        stream.logLevel = logLevel
        stream.metadata = metadata
        stream.log(event: event)
    }
}
