import ArgumentParser
import Configuration
import DRSAPI
import DRSDomain
import DRSStorage
import Foundation
import Hummingbird
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the API server until SIGINT or SIGTERM, then shut down gracefully."
    )

    @Option(help: "Address to listen on. Default: $HTTP_HOST, else 127.0.0.1.") var host: String?
    @Option(help: "Port to listen on (0: any free port). Default: $HTTP_PORT, else 8080.") var port: Int?
    @Flag(help: "Seed the demo project on an empty database, then print a token and a curl command.") var demo = false
    @OptionGroup var options: DatabaseOptions

    func run() async throws {
        Self.tuneAllocator()
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        if let host { values["http.host"] = .init(.string(host), isSecret: false) }
        if let port { values["http.port"] = .init(.int(port), isSecret: false) }
        let reader = options.configReader(values)
        let logger = makeLogger(reader: reader)
        let store = try await options.openStore(reader)
        do {
            var onRunning: @Sendable (String) async -> Void = { _ in }
            if demo {
                if try await DemoProject.seed(store) {
                    logger.notice("seeded the demo project", metadata: ["project": .string(DemoProject.id)])
                }
                let secret = try await store.tokenSecret()
                let now = Int64(Date().timeIntervalSince1970)
                let token = ProjectToken(projectID: DemoProject.id, issuedAt: now, expiresAt: now + 86_400).encoded(secret: secret)
                onRunning = { address in Self.printDemo(token: token, address: address) }
            }
            let app = buildApplication(reader: reader, store: store, onServerRunning: onRunning)
            try await app.runService()
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
        logger.notice("stopped")
    }

    /// glibc gives freed memory back to the kernel as soon as the top of a heap is free; each request then faults
    /// the same pages in again. Keeping up to 64 MiB measured 10-15 % more requests per second (docs/performance.md).
    static func tuneAllocator() {
        #if os(Linux)
        _ = glibcMallopt(-1, 64 << 20)  // M_TRIM_THRESHOLD
        _ = glibcMallopt(-2, 16 << 20)  // M_TOP_PAD
        #endif
    }

    static func printDemo(token: String, address: String) {
        let text = """
            Demo project \(DemoProject.id) is ready. Token (valid 24 hours):

            export DRS_TOKEN='\(token)'

            List its real-time migration tasks:

            curl -s -X POST http://\(address)/v3/\(DemoProject.id)/jobs \\
              -H 'Content-Type: application/json' -H "X-Auth-Token: $DRS_TOKEN" \\
              -d '{"cur_page": 1, "per_page": 5, "db_use_type": "migration", "engine_type": ""}'

            """
        // Straight to the file descriptor: stdout may be a pipe, where print() would sit in a buffer.
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

#if os(Linux)
/// glibc's `mallopt` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("mallopt") private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
