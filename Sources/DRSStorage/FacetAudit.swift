import DRSSQLite
import PostgresNIO

/// The stored facet bits, and the same bits rebuilt from the tasks: a test compares them after every kind of write.
protocol FacetAudit {
    /// Every stored chunk as "tenant facet chunk hex", in order.
    func storedFacetBits() async throws -> [String]
    /// Replaces the stored bits by bits computed from the tasks.
    func rebuildFacetBits() async throws
}

extension SQLiteStore: FacetAudit {
    func storedFacetBits() async throws -> [String] {
        try await readTransaction { db in
            try db.withStatement("SELECT tenant || ' ' || facet || ' ' || chunk || ' ' || hex(bits) FROM task_bits ORDER BY tenant, facet, chunk") {
                statement in
                var rows: [String] = []
                while try statement.step() { rows.append(statement.text(0) ?? "") }
                return rows
            }
        }
    }

    func rebuildFacetBits() async throws {
        try await write { db in try Self.rebuildFacets(db) }
    }
}

extension PostgresStore: FacetAudit {
    func storedFacetBits() async throws -> [String] {
        let statement = PostgresStatement(
            "SELECT tenant || ' ' || facet || ' ' || chunk || ' ' || upper(encode(bits, 'hex')) FROM task_bits ORDER BY tenant, facet, chunk"
        )
        return try await transaction { connection in
            try await PreparedStatements.all(statement, on: connection, logger: logger).map { try $0.decode(String.self) }
        }
    }

    func rebuildFacetBits() async throws {
        try await transaction { connection in try await rebuildFacets(connection) }
    }
}
