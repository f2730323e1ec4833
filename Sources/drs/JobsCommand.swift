import ArgumentParser
import DRSAPI
import DRSDomain
import DRSStorage
import Foundation
import NIOCore

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Import and export tasks.",
        subcommands: [Import.self, Export.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import task records into a project, all or nothing.",
            discussion: "FILE holds {\"jobs\": [...]} in the import format of the README; - reads standard input."
        )

        @Option(help: "The project to import into.") var project: String
        @Argument(help: "The file to import, or - for standard input.") var file: String
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let bytes: [UInt8]
            if file == "-" {
                bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
            } else {
                guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
                bytes = Array(data)
            }
            let records: [JobRecord]
            do {
                records = try JobImport.parse(bytes, now: Timestamp.nowMilliseconds())
            } catch {
                throw CLIError("import refused, nothing written: \(error)")
            }
            try await options.withStore(options.configReader()) { store in
                do {
                    try await store.importJobs(records, project: project)
                } catch let error as StoreError {
                    throw CLIError("import refused, nothing written: \(error)")
                }
            }
            print("imported \(records.count) tasks")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every task of a project, children included, in the import format."
        )

        @Option(help: "The project to export.") var project: String
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            try await options.withStore(options.configReader()) { store in
                guard try await store.projectExists(project) else { throw CLIError("project \(project) does not exist") }
                let output = FileHandle.standardOutput
                output.write(Data(ExportJSON.head.utf8))
                var first = true
                try await store.exportJobs(project: project, batchSize: 500) { jobs in
                    let buffer = ExportJSON.records(jobs, first: first)
                    first = false
                    output.write(Data(buffer.readableBytesView))
                }
                output.write(Data(ExportJSON.tail.utf8))
            }
        }
    }
}
