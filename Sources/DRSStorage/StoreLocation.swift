import Logging

/// Opens the store that a `--database` value names (`data-and-cli.md`, "The drs command").
public enum StoreLocation {
    /// The default when neither `--database` nor `DRS_DATABASE` is given.
    public static let defaultPath = "drs.sqlite"

    /// Whether `location` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// `postgres://…` or `postgresql://…` selects PostgreSQL (with a pool of `poolSize` connections); anything else
    /// is a SQLite file path.
    public static func open(_ location: String, poolSize: Int = 16, logger: Logger) async throws -> any JobStore {
        if isPostgres(location) {
            return try await PostgresJobStore.open(url: location, maxConnections: poolSize, logger: logger)
        }
        return try await SQLiteJobStore.open(path: location, logger: logger)
    }
}
