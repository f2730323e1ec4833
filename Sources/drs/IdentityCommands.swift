import ArgumentParser
import DRSAPI
import DRSDomain
import DRSStorage
import Foundation

struct CredentialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential",
        abstract: "Manage AK/SK credentials for request signing.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an AK/SK pair for a project. The secret key (SK) is shown only here."
        )

        @Option(help: "The project the credential is for.") var project: String
        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let credential = try await options.withStore(options.configReader()) { store in
                do {
                    return try await store.createCredential(project: project)
                } catch StoreError.projectNotFound {
                    throw CLIError("project \(project) does not exist")
                }
            }
            print(
                #"{"credential": {"access": "\#(credential.accessKey)", "secret": "\#(credential.secretKey)", "project_id": "\#(credential.projectID)"}}"#
            )
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage identity-API users (POST /v3/auth/tokens).",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user allowed to get tokens for one project, and print its ID.",
            discussion: "The password is read from standard input (its first line)."
        )

        @Option(help: "The user's domain (account) name.") var domain: String
        @Option(help: "The user name.") var name: String
        @Option(help: "The project the user may get tokens for.") var project: String
        @OptionGroup var options: DatabaseOptions

        func validate() throws {
            guard !domain.isEmpty, !name.isEmpty else { throw ValidationError("--domain and --name must not be empty") }
        }

        func run() async throws {
            let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            let password =
                input.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map {
                    String($0.hasSuffix("\r") ? $0.dropLast() : $0)
                } ?? ""
            guard password.count >= 8 else { throw CLIError("the password (read from stdin) must have at least 8 characters") }
            let hash = try PasswordHash.make(password)
            let id = try await options.withStore(options.configReader()) { store in
                do {
                    return try await store.createUser(domain: domain, name: name, passwordHash: hash, project: project)
                } catch StoreError.projectNotFound {
                    throw CLIError("project \(project) does not exist")
                } catch let error as StoreError {
                    throw CLIError("\(error)")
                }
            }
            print(id)
        }
    }
}
