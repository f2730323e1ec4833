import ArgumentParser
import DRSDomain
import DRSStorage
import Foundation

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage API tokens.",
        subcommands: [Issue.self]
    )

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token scoped to one project and print it.")

        @Option(help: "The project the token is for.") var project: String
        @Option(help: "How long the token is valid: a whole number followed by s, m, h or d.") var ttl = "24h"
        @OptionGroup var options: DatabaseOptions

        func validate() throws {
            guard TTL.seconds(ttl) != nil else {
                throw ValidationError("--ttl must be a whole number followed by s, m, h or d, such as 24h")
            }
        }

        func run() async throws {
            let seconds = TTL.seconds(ttl)!
            let token = try await options.withStore(options.configReader()) { store in
                guard try await store.projectExists(project) else { throw CLIError("project \(project) does not exist") }
                let now = Int64(Date().timeIntervalSince1970)
                let (expiry, overflow) = now.addingReportingOverflow(seconds)
                guard !overflow else { throw CLIError("--ttl \(ttl) is too long") }
                return ProjectToken(projectID: project, issuedAt: now, expiresAt: expiry).encoded(secret: try await store.tokenSecret())
            }
            print(token)
        }
    }
}
