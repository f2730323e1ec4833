import Logging

/// Opens the store that a `--database` value names (`data-and-cli.md`, "The drs command").
public enum StoreLocation {
    /// The default when neither `--database` nor `DRS_DATABASE` is given.
    public static let defaultPath = "drs.sqlite"
    /// SQLite: bytes of task names held in memory for name searches at most (``SQLiteStore/open(path:poolSize:busyTimeout:nameMemory:logger:)``).
    public static let defaultNameMemory = 512 << 20

    /// Whether `location` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// `postgres://…` or `postgresql://…` selects PostgreSQL; anything else is a SQLite file path. The store is ready
    /// once its service runs and ``Store/prepare()`` has returned (``Store/serving(_:)`` does both).
    /// - Parameters:
    ///   - poolSize: connections per process; default ``PostgresStore/defaultPoolSize`` for PostgreSQL, 8 for SQLite.
    ///   - nameMemory: SQLite: bytes of task names held in memory for name searches at most; default 512 MiB.
    public static func open(_ location: String, poolSize: Int? = nil, nameMemory: Int? = nil, logger: Logger) async throws -> any Store {
        if isPostgres(location) {
            return try PostgresStore(url: location, poolSize: poolSize ?? PostgresStore.defaultPoolSize, logger: logger)
        }
        return try await SQLiteStore.open(path: location, poolSize: poolSize ?? 8, nameMemory: nameMemory ?? defaultNameMemory, logger: logger)
    }
}
