import DRSDomain
import DRSSQLite
import DRSTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import DRSStorage

/// A database that an older drs wrote (migrations 1-4 only, tasks in table `jobs`) is moved to the current schema
/// when a current store opens it, and then answers every query of the contract's fixture exactly as a database where
/// the same tasks were imported, keeps its token secret and credentials, and takes new writes with exact totals.
@Suite struct LegacyMigrationTests {
    static let secretHex = String(repeating: "5a", count: 32)

    @Test(arguments: StoreKind.allCases)
    func anOlderDatabaseWithTasksMovesToTheCurrentSchema(kind: StoreKind) async throws {
        let legacy = Self.legacyStatements(dialect: kind == .sqlite ? .sqlite : .postgres)
        let (migrated, reference) = try await Self.withLegacyStore(kind, legacy) { store in
            for expectation in Fixture.expectations {
                let page = try await TaskStoreContractTests.answer(store, expectation.body, project: Fixture.projectA)
                #expect(page.jobs.map(\.id) == expectation.ids, "\(expectation.body)")
                #expect(page.total == expectation.total ?? expectation.ids.count, "\(expectation.body)")
            }
            // The other project's tasks stay behind its wall.
            let other = try await TaskStoreContractTests.answer(store, #"{"db_use_type":"sync","tags":{"env":"prod"}}"#, project: Fixture.projectB)
            #expect(other.jobs.map(\.id) == ["b01"])
            #expect(try await store.tokenSecret() == Hex.decode(Self.secretHex))
            #expect(
                try await store.credential(accessKey: "AKLEGACY0001")
                    == Credential(accessKey: "AKLEGACY0001", secretKey: "sk-legacy", projectID: Fixture.projectA)
            )
            let migrated = try await Self.everyTask(store)
            // A new task after the move: listed first (the newest), counted in the totals and found by its tag.
            try await store.importJobs(
                [
                    Fixture.job("a08", "after the move", .sync, .mysql, .configuration, "2021-02-01 00:00:00") {
                        $0.tags = [.init(key: "env", value: "prod")]
                    }
                ],
                project: Fixture.projectA
            )
            let after = try await TaskStoreContractTests.answer(
                store,
                #"{"db_use_type":"sync","engine_type":"","tags":{"env":"prod"}}"#,
                project: Fixture.projectA
            )
            #expect(after.jobs.map(\.id) == ["a08", "a07", "a04"])
            #expect(after.total == 3)
            let all = try await TaskStoreContractTests.answer(
                store,
                #"{"db_use_type":"sync","engine_type":"","per_page":1}"#,
                project: Fixture.projectA
            )
            #expect(all.jobs.map(\.id) == ["a08"])
            #expect(all.total == 6)
            let reference = try await TaskStoreContractTests.withFixture(kind) { try await Self.everyTask($0) }
            return (migrated, reference)
        }
        #expect(migrated == reference)
    }

    /// Every task of project A (both scenarios, deleted ones too), without what only the lifecycle keeps.
    static func everyTask(_ store: any Store) async throws -> [JobRecord] {
        var records: [JobRecord] = []
        for body in [
            #"{"db_use_type":"sync","engine_type":"","cur_page":0}"#, #"{"db_use_type":"sync","engine_type":"","status":"DELETED","cur_page":0}"#,
            #"{"db_use_type":"migration","engine_type":"","cur_page":0}"#,
        ] {
            records += try await TaskStoreContractTests.answer(store, body, project: Fixture.projectA).jobs
        }
        return records.map { record in
            var record = record
            record.kept = nil
            record.children = record.children.map { child in
                var child = child
                child.kept = nil
                return child
            }
            return record
        }
    }

    /// Runs migrations 1-4 on a fresh database, writes the fixture there as the older drs stored it, then opens a
    /// current store on it (which applies the later migrations) and runs `body` with it.
    static func withLegacyStore<T: Sendable>(_ kind: StoreKind, _ legacy: [String], _ body: (any Store) async throws -> T) async throws -> T {
        switch kind {
        case .sqlite:
            return try await StoreKind.withTemporaryFolder { folder in
                let path = folder.appendingPathComponent("drs.sqlite").path
                do {
                    let connection = try SQLiteConnection(path: path)
                    try connection.execute("BEGIN")
                    for sql in legacy { try connection.execute(sql) }
                    try connection.execute("COMMIT")
                }
                let store = try await SQLiteStore.open(path: path, logger: Logger(label: "test"))
                return try await store.serving { try await body(store) }
            }
        case .postgres:
            return try await PostgresTestServer.withFreshDatabase { url in
                try await PostgresTestServer.withConnection(url: url) { connection in
                    for sql in legacy { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test")) }
                }
                let store = try PostgresStore(url: url, poolSize: 4, logger: Logger(label: "test"))
                return try await store.serving { try await body(store) }
            }
        }
    }

    /// Migrations 1-4 as recorded, then the fixture's projects, tasks, tags, instances, a token secret and a
    /// credential in the tables of that schema.
    static func legacyStatements(dialect: Dialect) -> [String] {
        var statements = ["CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"]
        for migration in Schema.migrations where migration.version <= 4 {
            statements += dialect == .sqlite ? migration.sqlite : migration.postgres
            statements.append("INSERT INTO schema_migrations VALUES (\(migration.version), \(quote(migration.name)), '2021-01-01 00:00:00')")
        }
        statements += [
            "INSERT INTO projects VALUES (\(quote(Fixture.projectA)), 'A', '2021-01-01 00:00:00')",
            "INSERT INTO projects VALUES (\(quote(Fixture.projectB)), 'B', '2021-01-01 00:00:00')",
            "INSERT INTO server_secrets VALUES ('token', \(quote(secretHex)))",
            "INSERT INTO credentials VALUES ('AKLEGACY0001', 'sk-legacy', \(quote(Fixture.projectA)), '2021-01-01 00:00:00')",
        ]
        var pk = 0
        func insert(_ record: JobRecord, project: String, parent: Int?) {
            pk += 1
            let key = pk
            let values: [String] = [
                "\(key)", quote(record.id), quote(project), parent.map(String.init) ?? "NULL", quote(record.name),
                quote(JobQuery.fold(record.name)), quote(record.status.rawValue), quote(record.description),
                quote(record.createTimeText), record.errorMessage.map(quote) ?? "NULL", quote(record.engineType.rawValue),
                quote(record.netType.rawValue), record.billingTag ? "1" : "0", quote(record.jobDirection.rawValue),
                quote(record.dbUseType.rawValue), quote(record.taskType.rawValue), record.nodeNewFramework ? "1" : "0",
                quote(record.enterpriseProjectID), quote(record.chargingMode.rawValue), record.currentAction.map { quote($0.rawValue) } ?? "NULL",
            ]
            statements.append("INSERT INTO jobs VALUES (\(values.joined(separator: ", ")))")
            for (position, tag) in record.tags.enumerated() {
                statements.append("INSERT INTO job_tags VALUES (\(key), \(quote(project)), \(position), \(quote(tag.key)), \(quote(tag.value)))")
            }
            for (role, instance) in [("source", record.sourceInstance), ("target", record.targetInstance)] {
                guard let instance else { continue }
                statements.append(
                    "INSERT INTO job_instances VALUES (\(key), \(quote(project)), '\(role)', \(instance.id.map(quote) ?? "NULL"), \(instance.ip.map(quote) ?? "NULL"))"
                )
            }
            for child in record.children { insert(child, project: project, parent: key) }
        }
        for record in Fixture.tasksA { insert(record, project: Fixture.projectA, parent: nil) }
        for record in Fixture.tasksB { insert(record, project: Fixture.projectB, parent: nil) }
        return statements
    }

    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
