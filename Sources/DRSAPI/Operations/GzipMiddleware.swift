import CompressNIO
import DRSDomain
import HTTPTypes
import Hummingbird
import NIOCore

/// `Accept-Encoding: gzip`: answers of more than ``minimumBytes`` (and streamed answers, whose length is not known in
/// advance) are compressed with zlib (compress-nio) as they are written, so a streamed list is compressed batch by
/// batch and memory stays bounded. `Vary: Accept-Encoding` marks every answer whose encoding depended on the header.
struct GzipMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Smaller answers are sent as they are: gzip's 18 bytes of framing and the work would buy nothing.
    static var minimumBytes: Int { 1024 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard request.method != .head, response.headers[.contentEncoding] == nil,
            response.status.code >= 200, response.status != .noContent, response.status != .notModified
        else { return response }
        if let length = response.body.contentLength, length < Self.minimumBytes { return response }
        response.headers.append(HTTPField(name: .vary, value: "Accept-Encoding"))
        guard Self.acceptsGzip(request.headers[values: .acceptEncoding]) else { return response }
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = nil
        let body = response.body
        response.body = ResponseBody { writer in
            let gzip = try GzipBodyWriter(parent: writer)
            try await body.write(gzip)
        }
        return response
    }

    /// Whether `gzip` (or `*`) is listed without `q=0` (RFC 9110 §12.5.3).
    static func acceptsGzip(_ values: [String]) -> Bool {
        var gzip: Bool?
        var any: Bool?
        for value in values {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";").map { String($0).trimmed.lowercased() }
                guard let coding = parts.first, !coding.isEmpty else { continue }
                let accepted = !parts.dropFirst().contains { parameter in
                    let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmed }
                    return pair.count == 2 && pair[0] == "q" && (Double(pair[1]) ?? 1) == 0
                }
                if coding == "gzip" || coding == "x-gzip" { gzip = accepted } else if coding == "*" { any = accepted }
            }
        }
        return gzip ?? any ?? false
    }
}

/// Compresses what is written through it into its parent writer.
struct GzipBodyWriter: ResponseBodyWriter {
    var parent: any ResponseBodyWriter
    let compressor: ZlibCompressor
    let allocator = ByteBufferAllocator()

    init(parent: any ResponseBodyWriter) throws {
        self.parent = parent
        // Level 1: much faster than the default level, for answers a few times larger.
        self.compressor = try ZlibCompressor(algorithm: .gzip, configuration: .init(compressionLevel: 1))
    }

    mutating func write(_ buffer: ByteBuffer) async throws {
        var input = buffer
        while input.readableBytes > 0 {
            var output = allocator.buffer(capacity: max(16 * 1024, compressor.maxSize(from: input)))
            try compressor.deflate(from: &input, to: &output, flush: .no)
            if output.readableBytes > 0 { try await parent.write(output) }
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        var empty = ByteBuffer()
        while true {
            var output = allocator.buffer(capacity: 16 * 1024)
            do {
                try compressor.deflate(from: &empty, to: &output, flush: .finish)
                if output.readableBytes > 0 { try await parent.write(output) }
                break
            } catch let error as CompressNIOError where error == .bufferOverflow {
                try await parent.write(output)
            }
        }
        try await parent.finish(trailingHeaders)
    }
}
