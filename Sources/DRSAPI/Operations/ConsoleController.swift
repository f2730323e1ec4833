import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /console` and its two assets: plain HTML, CSS and JavaScript built into the binary
/// (`Resources/console/`), which call the same public API as any client. With `DRS_CONSOLE_DIR` set, the files are
/// read from that folder on every request instead (for working on the console without rebuilding).
struct ConsoleController: Sendable {
    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
    }

    /// Asset name -> built-in bytes and type.
    static let assets: [String: Asset] = [
        "console.html": Asset(bytes: PackageResources.console_html, contentType: "text/html; charset=utf-8"),
        "console.css": Asset(bytes: PackageResources.console_css, contentType: "text/css; charset=utf-8"),
        "console.js": Asset(bytes: PackageResources.console_js, contentType: "text/javascript; charset=utf-8"),
    ]

    /// No script, style, image or connection from anywhere but drs itself.
    static let securityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

    let folder: String?

    init(folder: String? = ProcessInfo.processInfo.environment["DRS_CONSOLE_DIR"]) {
        self.folder = folder.flatMap { $0.isEmpty ? nil : $0 }
    }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/console") { _, _ in try self.serve("console.html") }
        router.get("/console/console.css") { _, _ in try self.serve("console.css") }
        router.get("/console/console.js") { _, _ in try self.serve("console.js") }
    }

    func serve(_ name: String) throws -> Response {
        guard var asset = Self.assets[name] else { throw HTTPError(.notFound) }
        if let folder, let data = FileManager.default.contents(atPath: folder + "/" + name) { asset.bytes = Array(data) }
        return Response(
            status: .ok,
            headers: [
                .contentType: asset.contentType,
                .cacheControl: "no-cache",
                HTTPField.Name("Content-Security-Policy")!: Self.securityPolicy,
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes))
        )
    }
}
