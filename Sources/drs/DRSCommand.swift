import ArgumentParser
import DRSAPI
import Foundation
import Logging

@main
struct DRSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drs",
        abstract: "A self-hosted, API-compatible Data Replication Service task API.",
        subcommands: [
            ServeCommand.self, ProjectCommand.self, TokenCommand.self, CredentialCommand.self, UserCommand.self, JobsCommand.self,
        ]
    )

    static func main() async {
        // Logs go to stderr: stdout carries what the commands print (IDs, tokens, exports). LOG_FORMAT=json: one JSON
        // object per line.
        switch LogFormat(environment: ProcessInfo.processInfo.environment["LOG_FORMAT"]) {
        case .text: LoggingSystem.bootstrap { label in TextLogHandler(label: label) }
        case .json: LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
        case nil:
            FileHandle.standardError.write(Data("Error: LOG_FORMAT must be text or json.\n".utf8))
            Foundation.exit(64)
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
