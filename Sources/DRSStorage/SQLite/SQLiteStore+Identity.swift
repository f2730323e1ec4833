import DRSDomain
import DRSSQLite

extension SQLiteStore {
    public func createProject(id: String, name: String) async throws {
        try await write { db in
            let exists = try db.withStatement("SELECT 1 FROM projects WHERE id = ?1") {
                $0.bind(1, id)
                return try $0.step()
            }
            guard !exists else { throw StoreError.projectExists(id) }
            try db.withStatement("INSERT INTO projects (id, name, created_at) VALUES (?1, ?2, ?3)") {
                $0.bind(1, id)
                $0.bind(2, name)
                $0.bind(3, Timestamp.format(milliseconds: Timestamp.nowMilliseconds()))
                try $0.run()
            }
            try db.withStatement("INSERT INTO tenants (project_id) VALUES (?1)") {
                $0.bind(1, id)
                try $0.run()
            }
        }
    }

    public func projectExists(_ id: String) async throws -> Bool {
        try await read { db in try tenant(id, db) != nil }
    }

    public func projectName(_ id: String) async throws -> String? {
        try await read { db in
            try db.withStatement("SELECT name FROM projects WHERE id = ?1") {
                $0.bind(1, id)
                return try $0.step() ? $0.text(0) : nil
            }
        }
    }

    public func projectIDs(named name: String) async throws -> [String] {
        try await read { db in
            try db.withStatement("SELECT id FROM projects WHERE name = ?1 ORDER BY id") {
                $0.bind(1, name)
                var ids: [String] = []
                while try $0.step() { ids.append($0.text(0) ?? "") }
                return ids
            }
        }
    }

    public func tokenSecret() async throws -> [UInt8] {
        let select = "SELECT value FROM server_secrets WHERE name = 'token'"
        // Read first: only the very first call on a database needs the write lock.
        let existing = try await read { db in try db.withStatement(select) { try $0.step() ? $0.text(0) : nil } }
        if let existing { return try Self.secret(hex: existing) }
        return try await write { db in
            if let hex = try db.withStatement(select, { try $0.step() ? $0.text(0) : nil }) { return try Self.secret(hex: hex) }
            let secret = ProjectToken.makeSecret()
            try db.withStatement("INSERT INTO server_secrets (name, value) VALUES ('token', ?1)") {
                $0.bind(1, Hex.encode(secret))
                try $0.run()
            }
            return secret
        }
    }

    static func secret(hex: String) throws -> [UInt8] {
        guard let bytes = Hex.decode(hex), bytes.count == 32 else { throw StoreError.corrupt("server_secrets.value") }
        return bytes
    }

    public func createCredential(project: String) async throws -> Credential {
        let credential = Credential.generate(project: project)
        try await write { db in
            guard try tenant(project, db) != nil else { throw StoreError.projectNotFound(project) }
            try db.withStatement("INSERT INTO credentials (access_key, secret_key, project_id, created_at) VALUES (?1, ?2, ?3, ?4)") {
                $0.bind(1, credential.accessKey)
                $0.bind(2, credential.secretKey)
                $0.bind(3, project)
                $0.bind(4, Timestamp.format(milliseconds: Timestamp.nowMilliseconds()))
                try $0.run()
            }
        }
        return credential
    }

    public func credential(accessKey: String) async throws -> Credential? {
        try await read { db in
            try db.withStatement("SELECT secret_key, project_id FROM credentials WHERE access_key = ?1") {
                $0.bind(1, accessKey)
                guard try $0.step() else { return nil }
                return Credential(accessKey: accessKey, secretKey: $0.text(0) ?? "", projectID: $0.text(1) ?? "")
            }
        }
    }

    public func createUser(domain: String, name: String, passwordHash: String, project: String) async throws -> String {
        let id = ProjectID.generate()
        try await write { db in
            guard try tenant(project, db) != nil else { throw StoreError.projectNotFound(project) }
            let taken = try db.withStatement("SELECT 1 FROM users WHERE domain = ?1 AND name = ?2") {
                $0.bind(1, domain)
                $0.bind(2, name)
                return try $0.step()
            }
            guard !taken else { throw StoreError.userExists(domain: domain, name: name) }
            try db.withStatement(
                "INSERT INTO users (id, domain, name, password_hash, project_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            ) {
                $0.bind(1, id)
                $0.bind(2, domain)
                $0.bind(3, name)
                $0.bind(4, passwordHash)
                $0.bind(5, project)
                $0.bind(6, Timestamp.format(milliseconds: Timestamp.nowMilliseconds()))
                try $0.run()
            }
        }
        return id
    }

    public func user(domain: String, name: String) async throws -> IdentityUser? {
        try await read { db in
            try db.withStatement("SELECT id, password_hash, project_id FROM users WHERE domain = ?1 AND name = ?2") {
                $0.bind(1, domain)
                $0.bind(2, name)
                guard try $0.step() else { return nil }
                return IdentityUser(id: $0.text(0) ?? "", domain: domain, name: name, passwordHash: $0.text(1) ?? "", projectID: $0.text(2) ?? "")
            }
        }
    }
}
