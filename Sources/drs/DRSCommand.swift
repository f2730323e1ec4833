import ArgumentParser
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
        // Logs go to stderr: stdout carries what the commands print (IDs, tokens, exports).
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
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
