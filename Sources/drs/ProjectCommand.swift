import ArgumentParser
import DRSDomain
import DRSStorage

struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Manage projects.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a project and print its ID.")

        @Option(help: "Project ID: 32 lowercase hexadecimal characters. Generated when absent.") var id: String?
        @Option(help: "A name for the project.") var name: String?
        @OptionGroup var options: DatabaseOptions

        func validate() throws {
            if let id, !ProjectID.isValid(id) {
                throw ValidationError("--id must be 32 lowercase hexadecimal characters")
            }
        }

        func run() async throws {
            let id = self.id ?? ProjectID.generate()
            try await options.withStore(options.configReader()) { store in
                do {
                    try await store.createProject(id: id, name: name ?? "")
                } catch StoreError.projectExists {
                    throw CLIError("project \(id) already exists")
                }
            }
            print(id)
        }
    }
}
