import DRSDomain

/// Where projects, tasks and the token secret live. One implementation per database;
/// every implementation passes the shared suite in `Tests/DRSStorageTests`.
public protocol JobStore: Sendable {
    /// Registers a project. Throws ``StoreError/projectExists(_:)`` when the ID is taken.
    func createProject(id: String, name: String) async throws

    /// Whether the project is registered.
    func projectExists(_ id: String) async throws -> Bool

    /// The token-signing secret, created on first use and shared by every process on this database.
    func tokenSecret() async throws -> [UInt8]

    /// Imports records into a project, all or nothing. A record whose ID (or a child's ID) exists in the
    /// same project replaces it, with its children; an ID of another project is an error.
    func importJobs(_ records: [JobRecord], project: String) async throws

    /// One page of the matching top-level tasks, with their children, and the number of matches.
    func page(_ query: JobQuery, offset: Int, limit: Int, project: String) async throws -> JobPage

    /// Every matching top-level task, in order, in batches, from one consistent snapshot.
    /// `onTotal` is called once, before the first batch.
    func streamAll(
        _ query: JobQuery,
        project: String,
        batchSize: Int,
        onTotal: (Int) async throws -> Void,
        onBatch: ([JobRecord]) async throws -> Void
    ) async throws

    /// Every top-level task of the project (any status), with children, tags and instances, in order.
    func exportJobs(project: String, batchSize: Int, onBatch: ([JobRecord]) async throws -> Void) async throws

    /// Closes every connection.
    func shutdown() async

    // MARK: Identity (auth.md)

    /// The project's name, or nil when it does not exist.
    func projectName(_ id: String) async throws -> String?

    /// The IDs of the projects with this name.
    func projectIDs(named name: String) async throws -> [String]

    /// Creates an AK/SK pair for a project. Throws ``StoreError/projectNotFound(_:)``.
    func createCredential(project: String) async throws -> Credential

    /// The credential with this access key, or nil.
    func credential(accessKey: String) async throws -> Credential?

    /// Creates an identity-API user allowed to get tokens for `project`; returns its ID.
    /// Throws ``StoreError/projectNotFound(_:)`` or ``StoreError/userExists(domain:name:)``.
    func createUser(domain: String, name: String, passwordHash: String, project: String) async throws -> String

    /// The user named `name` in `domain`, or nil.
    func user(domain: String, name: String) async throws -> IdentityUser?
}

/// An AK/SK pair and the project it belongs to.
public struct Credential: Equatable, Sendable {
    public var accessKey: String
    public var secretKey: String
    public var projectID: String

    public init(accessKey: String, secretKey: String, projectID: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.projectID = projectID
    }
}

/// A user of the identity API (`POST /v3/auth/tokens`).
public struct IdentityUser: Equatable, Sendable {
    public init(id: String, domain: String, name: String, passwordHash: String, projectID: String) {
        self.id = id
        self.domain = domain
        self.name = name
        self.passwordHash = passwordHash
        self.projectID = projectID
    }

    public var id: String
    public var domain: String
    public var name: String
    public var passwordHash: String
    public var projectID: String
}

extension JobStore {
    /// Runs `body` with this store, then shuts the store down, whether or not `body` throws.
    public func closing<T>(after body: (Self) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            await shutdown()
            return result
        } catch {
            await shutdown()
            throw error
        }
    }
}

/// One page of answers.
public struct JobPage: Equatable, Sendable {
    public var total: Int
    public var jobs: [JobRecord]

    public init(total: Int, jobs: [JobRecord]) {
        self.total = total
        self.jobs = jobs
    }
}

public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The database cannot be reached or used right now (locked, missing, read-only, disk full…).
    case unavailable(String)
    case projectExists(String)
    case projectNotFound(String)
    /// An imported ID belongs to another project; `path` is where it is in the import document.
    case idInOtherProject(path: String, id: String)
    /// The database holds something this version cannot read.
    case corrupt(String)
    case userExists(domain: String, name: String)

    public var description: String {
        switch self {
        case .unavailable(let cause): return "database unavailable: \(cause)"
        case .projectExists(let id): return "project \(id) already exists"
        case .projectNotFound(let id): return "project \(id) does not exist"
        case .idInOtherProject(let path, let id): return "\(path): id \"\(id)\" belongs to another project"
        case .corrupt(let what): return "unreadable data in the database: \(what)"
        case .userExists(let domain, let name): return "user \(name) already exists in domain \(domain)"
        }
    }
}
