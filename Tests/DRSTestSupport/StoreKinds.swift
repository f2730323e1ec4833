import DRSDomain
import DRSStorage
import Foundation
import Logging
import PostgresNIO

/// The store implementations every contract test runs against: SQLite always, PostgreSQL when
/// `DRS_TEST_POSTGRES_URL` names a server (`scripts/test` starts one).
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public static var allCases: [StoreKind] { PostgresTestServer.url == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// A temporary folder for one test; removed afterwards.
    public static func withTemporaryFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drs-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    public var description: String { rawValue }

    /// A new, empty store of this kind; `body` runs with it, then it is closed and removed.
    public func withFreshStore<T: Sendable>(_ body: (any Store) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            return try await Self.withTemporaryFolder { folder in
                let store = try await SQLiteStore.open(path: folder.appendingPathComponent("drs.sqlite").path, logger: Logger(label: "test"))
                return try await store.serving { try await body(store) }
            }
        case .postgres:
            return try await PostgresTestServer.withFreshDatabase { url in
                // A connection may take a while on a machine loaded by the parallel suites (the default 3 s once ran
                // out while other suites held both cores); the pool's own time-outs are tested in PostgresPoolTests.
                let store = try PostgresStore(url: url, poolSize: 16, acquireTimeout: .seconds(30), logger: Logger(label: "test"))
                return try await store.serving { try await body(store) }
            }
        }
    }
}

/// The PostgreSQL server of the test run, and a fresh database on it per test.
public enum PostgresTestServer {
    /// `postgres://user@host:port/database` of a server where the user may create databases.
    /// An empty value counts as none.
    public static var url: String? { ProcessInfo.processInfo.environment["DRS_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    /// Creates an empty database, runs `body` with its URL, then drops it.
    public static func withFreshDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
        guard let url, let components = URLComponents(string: url) else { throw PostgresTestError.noServer }
        let name = "drs_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await admin(components) { try await $0.query("CREATE DATABASE \(unescaped: name)", logger: logger) }
        var fresh = components
        fresh.path = "/" + name
        do {
            let result = try await body(fresh.string!)
            try? await drop(name, components)
            return result
        } catch {
            try? await drop(name, components)
            throw error
        }
    }

    private static func drop(_ name: String, _ components: URLComponents) async throws {
        try await admin(components) { try await $0.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger) }
    }

    private static let logger = Logger(label: "test.postgres")

    /// Runs `body` with one connection to the database `url` names.
    public static func withConnection(url: String, _ body: (PostgresConnection) async throws -> Void) async throws {
        guard let components = URLComponents(string: url) else { throw PostgresTestError.noServer }
        try await admin(components, body)
    }

    private static func admin(_ components: URLComponents, _ body: (PostgresConnection) async throws -> Void) async throws {
        let configuration = PostgresConnection.Configuration(
            host: components.host ?? "127.0.0.1",
            port: components.port ?? 5432,
            username: components.user ?? "postgres",
            password: components.password,
            database: String(components.path.dropFirst()).isEmpty ? "postgres" : String(components.path.dropFirst()),
            tls: .disable
        )
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            try await body(connection)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

enum PostgresTestError: Error {
    case noServer
}
