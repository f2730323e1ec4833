/// Projects and who may act for them: the token secret, AK/SK credentials and identity-API users (`auth.md`).
public protocol IdentityStore: Sendable {
    /// Registers a project. Throws ``StoreError/projectExists(_:)`` when the ID is taken.
    func createProject(id: String, name: String) async throws

    /// Whether the project is registered.
    func projectExists(_ id: String) async throws -> Bool

    /// The project's name, or nil when it does not exist.
    func projectName(_ id: String) async throws -> String?

    /// The IDs of the projects with this name, in ID order.
    func projectIDs(named name: String) async throws -> [String]

    /// The token-signing secret, created on first use and shared by every process on this database.
    func tokenSecret() async throws -> [UInt8]

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

    /// A new pair for `project`: 20 and 40 random uppercase letters and digits.
    public static func generate(project: String) -> Credential {
        Credential(accessKey: randomKey(length: 20), secretKey: randomKey(length: 40), projectID: project)
    }

    private static func randomKey(length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
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
