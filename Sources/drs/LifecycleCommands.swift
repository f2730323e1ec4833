import ArgumentParser
import DRSDomain
import DRSLifecycle
import DRSStorage
import Foundation

extension JobsCommand {
    /// `drs jobs fault` (`lifecycle.md` §7, §11): arms or clears a one-shot fault; running servers see it at their
    /// next tick.
    struct Fault: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Arm a one-shot fault on a task (or clear it), to test how clients handle failures.",
            discussion: "STEP: create, connection, precheck, start, full, incremental or release."
        )

        @Option(help: "The task's project.") var project: String
        @Option(help: "The task ID.") var job: String
        @Option(help: "Where the task fails: create, connection, precheck, start, full, incremental, release.") var at: String?
        @Option(help: "The failure message (at most 1024 characters; default: the step's own).") var message: String?
        @Flag(help: "Disarm the task's fault.") var clear = false
        @OptionGroup var options: DatabaseOptions

        func validate() throws {
            if clear {
                guard at == nil, message == nil else { throw ValidationError("--clear takes no --at or --message") }
                return
            }
            guard let at else { throw ValidationError("--at STEP or --clear is required") }
            guard FaultStep(rawValue: at) != nil else {
                throw ValidationError("--at must be one of \(FaultStep.allCases.map(\.rawValue).joined(separator: ", ")), not \(at)")
            }
            if let message, message.isEmpty || message.count > FaultStep.maxMessageLength {
                throw ValidationError("--message must hold 1 to \(FaultStep.maxMessageLength) characters")
            }
        }

        func run() async throws {
            let fault = at.flatMap(FaultStep.init(rawValue:)).map { DRSDomain.Fault(at: $0, message: message) }
            let outcome = try await options.withStore(options.configReader()) { store in
                try await Self.storeErrors { try await TaskLifecycle(store: store).arm(fault, id: job, project: project) }
            }
            switch outcome {
            case .success: print(fault.map { "armed \($0.at.rawValue) fault on \(job)" } ?? "cleared")
            case .failure(let error) where error.code == .deleted: throw CLIError("task \(job) is deleted")
            case .failure: throw CLIError("no task \(job) in project \(project)")
            }
        }

        /// A missing project as a one-line message.
        static func storeErrors<T>(_ body: () async throws -> T) async throws -> T {
            do {
                return try await body()
            } catch StoreError.projectNotFound(let project) {
                throw CLIError("project \(project) does not exist")
            }
        }
    }

    /// `drs jobs history`: a task's transition log, oldest first, one JSON object per line.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a task's transition log, oldest first, one JSON object per line.")

        @Option(help: "The task's project.") var project: String
        @Option(help: "The task ID.") var job: String
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let log = try await options.withStore(options.configReader()) { store in
                try await Fault.storeErrors { try await TaskLifecycle(store: store).history(id: job, project: project) }
            }
            guard let log else { throw CLIError("no task \(job) in project \(project)") }
            var text = ""
            for entry in log { text += Self.line(entry) + "\n" }
            FileHandle.standardOutput.write(Data(text.utf8))
        }

        /// `{"seq": 1, "time": "…", "status": "CREATING", "current_action": null, "cause": "create"}` (the contract's layout).
        static func line(_ entry: LifeLogEntry) -> String {
            let fields: [(String, JSONValue)] = [
                ("seq", .int(entry.seq)), ("time", .string(String(entry.time))), ("status", .string(entry.status.rawValue)),
                ("current_action", entry.currentAction.map { .string($0.rawValue) } ?? .null), ("cause", .string(entry.cause.rawValue)),
            ]
            return "{" + fields.map { JSONValue.string($0.0).text + ": " + $0.1.text }.joined(separator: ", ") + "}"
        }
    }
}
