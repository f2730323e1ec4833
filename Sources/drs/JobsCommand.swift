import ArgumentParser
import DRSAPI
import DRSDomain
import DRSStorage
import Foundation
import NIOCore

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Import and export tasks; arm faults; read transition logs.",
        subcommands: [Import.self, Export.self, Fault.self, History.self]
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
            let now = Timestamp.nowMilliseconds()
            // A large document is written while it is parsed; on any problem that import is rolled back and the
            // document imported whole, which names the first problem in document order.
            if let batches = JobImportBatches(bytes, now: now) {
                let (progress, report) = ImportProgress.shown(total: batches.count)
                let imported: Bool = try await options.withStore(options.configReader()) { [report] store in
                    do {
                        try await store.importJobs(batches, project: project, progress: report)
                        return true
                    } catch {
                        return false
                    }
                }
                progress?.end()
                if imported {
                    print("imported \(batches.count) tasks")
                    return
                }
            }
            try await importWhole(bytes, now: now)
        }

        private func importWhole(_ bytes: [UInt8], now: Int64) async throws {
            let records: [JobRecord]
            do {
                records = try JobImport.parse(bytes, now: now)
            } catch {
                throw CLIError("import refused, nothing written: \(error)")
            }
            let (progress, report) = ImportProgress.shown(total: records.count)
            try await options.withStore(options.configReader()) { [report] store in
                do {
                    try await store.importJobs(records, project: project, progress: report)
                } catch let error as StoreError {
                    progress?.end()
                    throw CLIError("import refused, nothing written: \(error)")
                }
            }
            progress?.end()
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

/// `importing 45,000 of 100,000 tasks` on one line of stderr, for imports of 10,000 tasks or more when stderr is a
/// terminal.
struct ImportProgress: Sendable {
    let total: Int

    init?(total: Int) {
        guard total >= 10_000, isatty(STDERR_FILENO) != 0 else { return nil }
        self.total = total
    }

    /// The line for an import of `total` tasks and what draws it as tasks are written; both nil when nothing shows.
    static func shown(total: Int) -> (progress: ImportProgress?, report: (@Sendable (Int) -> Void)?) {
        guard let progress = ImportProgress(total: total) else { return (nil, nil) }
        return (progress, { progress.show($0) })
    }

    func show(_ written: Int) {
        FileHandle.standardError.write(Data("\rimporting \(written.formatted()) of \(total.formatted()) tasks".utf8))
    }

    func end() {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
