import Logging

/// Opens the store that a `--database` value names (`data-and-cli.md`, "The drs command").
public enum StoreLocation {
    /// The default when neither `--database` nor `DRS_DATABASE` is given.
    public static let defaultPath = "drs.sqlite"

    public enum OpenError: Error, CustomStringConvertible {
        case postgresNotSupported

        public var description: String {
            "PostgreSQL databases are not supported by this version of drs yet; use a SQLite file path"
        }
    }

    /// `postgres://…` or `postgresql://…` selects PostgreSQL; anything else is a SQLite file path.
    public static func open(_ location: String, logger: Logger) async throws -> any JobStore {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            throw OpenError.postgresNotSupported
        }
        return try await SQLiteJobStore.open(path: location, logger: logger)
    }
}
