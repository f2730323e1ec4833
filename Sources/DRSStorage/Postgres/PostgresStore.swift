import DRSDomain
import Logging

/// Placeholder while the PostgreSQL store is rewritten.
public final class PostgresStore: Store {
    public init(url: String, poolSize: Int, acquireTimeout: Duration = .seconds(3), logger: Logger) throws {
        throw StoreError.unavailable("PostgreSQL support is being rebuilt")
    }
    public func run() async throws {}
    public func prepare() async throws {}
    public func close() async {}
    public func page<T>(_ query: JobQuery, offset: Int, limit: Int, project: String, _ body: (Int, any TaskRowCursor) throws -> T) async throws -> T {
        fatalError()
    }
    public func streamAll<R: Sendable>(
        _ query: JobQuery,
        project: String,
        batchSize: Int,
        onTotal: (Int) async throws -> Void,
        render: @escaping @Sendable (any TaskRowCursor) throws -> R,
        emit: (R) async throws -> Void
    ) async throws { fatalError() }
    public func exportJobs(project: String, batchSize: Int, onBatch: ([JobRecord]) async throws -> Void) async throws { fatalError() }
    public func importJobs(_ records: [JobRecord], project: String, progress: (@Sendable (Int) -> Void)?) async throws { fatalError() }
    public func write<T: Sendable>(project: String, _ body: (any TaskWriter) async throws -> T) async throws -> T { fatalError() }
    public func createProject(id: String, name: String) async throws { fatalError() }
    public func projectExists(_ id: String) async throws -> Bool { fatalError() }
    public func projectName(_ id: String) async throws -> String? { fatalError() }
    public func projectIDs(named name: String) async throws -> [String] { fatalError() }
    public func tokenSecret() async throws -> [UInt8] { fatalError() }
    public func createCredential(project: String) async throws -> Credential { fatalError() }
    public func credential(accessKey: String) async throws -> Credential? { fatalError() }
    public func createUser(domain: String, name: String, passwordHash: String, project: String) async throws -> String { fatalError() }
    public func user(domain: String, name: String) async throws -> IdentityUser? { fatalError() }
}
