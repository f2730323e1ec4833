import DRSDomain
import SQLKit

extension SQLiteJobStore {
    public func projectName(_ id: String) async throws -> String? {
        try await withConnection { db in
            try await db.raw("SELECT name FROM projects WHERE id = \(bind: id)").first(decodingColumn: "name", as: String.self)
        }
    }

    public func projectIDs(named name: String) async throws -> [String] {
        try await withConnection { db in
            try await db.raw("SELECT id FROM projects WHERE name = \(bind: name) ORDER BY id").all(decodingColumn: "id", as: String.self)
        }
    }

    public func createCredential(project: String) async throws -> Credential {
        let credential = Credential(accessKey: Self.randomKey(length: 20), secretKey: Self.randomKey(length: 40), projectID: project)
        try await withTransaction(immediate: true) { db in
            try await Self.requireProject(project, db)
            try await db.raw(
                """
                INSERT INTO credentials (access_key, secret_key, project_id, created_at)
                VALUES (\(bind: credential.accessKey), \(bind: credential.secretKey), \(bind: project), \(bind: Self.now()))
                """
            ).run()
        }
        return credential
    }

    public func credential(accessKey: String) async throws -> Credential? {
        try await withConnection { db in
            guard
                let row = try await db.raw(
                    "SELECT secret_key, project_id FROM credentials WHERE access_key = \(bind: accessKey)"
                ).first()
            else { return nil }
            return Credential(
                accessKey: accessKey,
                secretKey: try row.decode(column: "secret_key", as: String.self),
                projectID: try row.decode(column: "project_id", as: String.self)
            )
        }
    }

    public func createUser(domain: String, name: String, passwordHash: String, project: String) async throws -> String {
        let id = ProjectID.generate()
        try await withTransaction(immediate: true) { db in
            try await Self.requireProject(project, db)
            guard try await db.raw("SELECT id FROM users WHERE domain = \(bind: domain) AND name = \(bind: name)").first() == nil else {
                throw StoreError.userExists(domain: domain, name: name)
            }
            try await db.raw(
                """
                INSERT INTO users (id, domain, name, password_hash, project_id, created_at)
                VALUES (\(bind: id), \(bind: domain), \(bind: name), \(bind: passwordHash), \(bind: project), \(bind: Self.now()))
                """
            ).run()
        }
        return id
    }

    public func user(domain: String, name: String) async throws -> IdentityUser? {
        try await withConnection { db in
            guard
                let row = try await db.raw(
                    "SELECT id, password_hash, project_id FROM users WHERE domain = \(bind: domain) AND name = \(bind: name)"
                ).first()
            else { return nil }
            return IdentityUser(
                id: try row.decode(column: "id", as: String.self),
                domain: domain,
                name: name,
                passwordHash: try row.decode(column: "password_hash", as: String.self),
                projectID: try row.decode(column: "project_id", as: String.self)
            )
        }
    }

    /// Random uppercase letters and digits.
    static func randomKey(length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
