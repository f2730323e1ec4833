import ArgumentParser
import Configuration
import DRSAPI
import DRSStorage
import Foundation
import Logging

/// `--database`, shared by every command that touches data.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "A SQLite file path, or a postgres:// URL. Default: $DRS_DATABASE, else drs.sqlite in the current folder."
    )
    var database: String?

    /// Command-line values first, then environment variables (`DRS_DATABASE`, `DRS_POOL_SIZE`, `DRS_NAME_MEMORY`,
    /// `HTTP_HOST`, `HTTP_PORT`, `LOG_LEVEL`).
    func configReader(_ values: [AbsoluteConfigKey: ConfigValue] = [:]) -> ConfigReader {
        var values = values
        if let database { values["drs.database"] = .init(.string(database), isSecret: true) }
        return ConfigReader(providers: [InMemoryProvider(name: "arguments", values: values), EnvironmentVariablesProvider()])
    }

    /// Opens (creating and migrating if needed) the store the options name.
    func openStore(_ reader: ConfigReader) async throws -> any Store {
        let location = reader.string(forKey: "drs.database", isSecret: true, default: StoreLocation.defaultPath)
        let poolSize = reader.int(forKey: "drs.pool.size")
        // MiB; a negative value from the environment holds nothing, like 0.
        let nameMemory = reader.int(forKey: "drs.name.memory").map { max(0, min($0, 1 << 30)) << 20 }
        do {
            let logger = makeLogger(reader: reader, label: "drs.store")
            return try await StoreLocation.open(location, poolSize: poolSize, nameMemory: nameMemory, logger: logger)
        } catch {
            // A URL may carry a password: name the database without it.
            throw CLIError("cannot open the database \(Self.redacted(location)): \(error)")
        }
    }

    /// `location` without the password of a URL.
    static func redacted(_ location: String) -> String {
        guard StoreLocation.isPostgres(location), let at = location.lastIndex(of: "@"),
            let scheme = location.range(of: "://"), let colon = location[scheme.upperBound..<at].firstIndex(of: ":")
        else { return location }
        return String(location[..<colon]) + ":***" + String(location[at...])
    }

    /// Runs `body` with the store open and prepared, and closes it afterwards.
    func withStore<T: Sendable>(_ reader: ConfigReader, _ body: (any Store) async throws -> T) async throws -> T {
        let store = try await openStore(reader)
        var prepared = false
        do {
            return try await store.serving {
                prepared = true
                return try await body(store)
            }
        } catch {
            // Connecting happens in preparing: name the database (without a password) as opening does.
            guard prepared else {
                let location = reader.string(forKey: "drs.database", isSecret: true, default: StoreLocation.defaultPath)
                throw CLIError("cannot open the database \(Self.redacted(location)): \(error)")
            }
            if let error = error as? StoreError { throw CLIError("\(error)") }
            throw error
        }
    }
}

/// A one-line error for stderr.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
