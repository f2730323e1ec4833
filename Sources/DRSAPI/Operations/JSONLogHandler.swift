import DRSDomain
import Foundation
import Logging
import Synchronization

/// `LOG_FORMAT=json`: one JSON object per line on standard error, with `time` (RFC 3339, UTC, milliseconds), `level`, `label`,
/// `message`, then the metadata's keys (values as strings; nested metadata as objects and arrays).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    private let label: String
    private let write: @Sendable (String) -> Void

    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable (String) -> Void = Self.standardError) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var line = JSONObjectBuilder()
        line.add("time", Self.time(milliseconds: Timestamp.nowMilliseconds()))
        line.add("level", .string(event.level.rawValue))
        line.add("label", .string(label))
        line.add("message", .string(event.message.description))
        for key in merged.keys.sorted() where !["time", "level", "label", "message"].contains(key) {
            line.add(key, Self.json(merged[key]!))
        }
        write(line.value.text + "\n")
    }

    /// RFC 3339 in UTC with milliseconds: `2026-11-29T18:30:00.123Z`.
    static func time(milliseconds: Int64) -> String {
        let seconds = Timestamp.format(milliseconds: milliseconds).replacingOccurrences(of: " ", with: "T")
        let fraction = String(milliseconds % 1000 + 1000).dropFirst()
        return "\(seconds).\(fraction)Z"
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let value): return .string(value.description)
        case .array(let values): return .array(values.map(json))
        case .dictionary(let members): return .object(members.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        }
    }

    /// Writes whole lines to file descriptor 2, one `write` each, so that lines of concurrent loggers never interleave.
    public static let standardError: @Sendable (String) -> Void = { line in
        var line = line
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

/// The log format named by `LOG_FORMAT`: `text` (the default) or `json`.
public enum LogFormat: String, Sendable {
    case text
    case json

    public init?(environment value: String?) {
        guard let value, !value.isEmpty else {
            self = .text
            return
        }
        self.init(rawValue: value.lowercased())
    }
}
