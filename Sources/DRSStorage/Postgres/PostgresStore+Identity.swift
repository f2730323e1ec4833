import DRSDomain
import PostgresNIO

extension PostgresStore {
    /// The rows of one statement on a pooled connection.
    func rows(_ statement: PostgresStatement) async throws -> [PostgresRow] {
        try await withConnection { connection in try await PreparedStatements.all(statement, on: connection, logger: logger) }
    }

    static var now: String { Timestamp.format(milliseconds: Timestamp.nowMilliseconds()) }

    public func createProject(id: String, name: String) async throws {
        try await transaction { connection in
            let insert = PostgresStatement(
                """
                INSERT INTO projects (id, name, created_at) VALUES (\(bind: id), \(bind: name), \(bind: Self.now))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """
            )
            guard try await !PreparedStatements.all(insert, on: connection, logger: logger).isEmpty else {
                throw StoreError.projectExists(id)
            }
            try await PreparedStatements.run(
                PostgresStatement("INSERT INTO tenants (project_id) VALUES (\(bind: id))"),
                on: connection,
                logger: logger
            )
        }
    }

    public func projectExists(_ id: String) async throws -> Bool {
        try await withConnection { try await tenant(id, $0) != nil }
    }

    public func projectName(_ id: String) async throws -> String? {
        try await rows(PostgresStatement("SELECT name FROM projects WHERE id = \(bind: id)")).first.map { try $0.decode(String.self) }
    }

    public func projectIDs(named name: String) async throws -> [String] {
        try await rows(PostgresStatement("SELECT id FROM projects WHERE name = \(bind: name) ORDER BY id")).map { try $0.decode(String.self) }
    }

    public func tokenSecret() async throws -> [UInt8] {
        let select = PostgresStatement("SELECT value FROM server_secrets WHERE name = 'token'")
        if let hex = try await rows(select).first.map({ try $0.decode(String.self) }) { return try Self.secret(hex: hex) }
        let secret = Hex.encode(ProjectToken.makeSecret())
        _ = try await rows(
            PostgresStatement("INSERT INTO server_secrets (name, value) VALUES ('token', \(bind: secret)) ON CONFLICT (name) DO NOTHING")
        )
        // Whichever process inserted first, every process reads the same secret.
        guard let hex = try await rows(select).first.map({ try $0.decode(String.self) }) else { throw StoreError.corrupt("server_secrets") }
        return try Self.secret(hex: hex)
    }

    static func secret(hex: String) throws -> [UInt8] {
        guard let bytes = Hex.decode(hex), bytes.count == 32 else { throw StoreError.corrupt("server_secrets.value") }
        return bytes
    }

    public func createCredential(project: String) async throws -> Credential {
        let credential = Credential.generate(project: project)
        guard try await projectExists(project) else { throw StoreError.projectNotFound(project) }
        _ = try await rows(
            PostgresStatement(
                """
                INSERT INTO credentials (access_key, secret_key, project_id, created_at)
                VALUES (\(bind: credential.accessKey), \(bind: credential.secretKey), \(bind: project), \(bind: Self.now))
                """
            )
        )
        return credential
    }

    public func credential(accessKey: String) async throws -> Credential? {
        try await rows(PostgresStatement("SELECT secret_key, project_id FROM credentials WHERE access_key = \(bind: accessKey)")).first.map {
            let (secret, project) = try $0.decode((String, String).self)
            return Credential(accessKey: accessKey, secretKey: secret, projectID: project)
        }
    }

    public func createUser(domain: String, name: String, passwordHash: String, project: String) async throws -> String {
        let id = ProjectID.generate()
        guard try await projectExists(project) else { throw StoreError.projectNotFound(project) }
        let insert = PostgresStatement(
            """
            INSERT INTO users (id, domain, name, password_hash, project_id, created_at)
            VALUES (\(bind: id), \(bind: domain), \(bind: name), \(bind: passwordHash), \(bind: project), \(bind: Self.now))
            ON CONFLICT (domain, name) DO NOTHING RETURNING id
            """
        )
        guard try await !rows(insert).isEmpty else { throw StoreError.userExists(domain: domain, name: name) }
        return id
    }

    public func user(domain: String, name: String) async throws -> IdentityUser? {
        try await rows(PostgresStatement("SELECT id, password_hash, project_id FROM users WHERE domain = \(bind: domain) AND name = \(bind: name)"))
            .first.map {
                let (id, hash, project) = try $0.decode((String, String, String).self)
                return IdentityUser(id: id, domain: domain, name: name, passwordHash: hash, projectID: project)
            }
    }
}
