import DRSDomain
import DRSStorage
import DRSTestSupport
import Testing

/// The identity part of the store contract: credentials, users, project names.
@Suite struct IdentityStoreTests {
    @Test(arguments: StoreKind.allCases)
    func credentials(kind: StoreKind) async throws {
        try await kind.withFreshStore { store in
            try await store.createProject(id: Fixture.projectA, name: "alpha")
            let credential = try await store.createCredential(project: Fixture.projectA)
            #expect(credential.accessKey.count == 20 && credential.secretKey.count == 40)
            #expect(try await store.credential(accessKey: credential.accessKey) == credential)
            #expect(try await store.credential(accessKey: "NOPE") == nil)
            await #expect(throws: StoreError.projectNotFound(Fixture.projectB)) {
                _ = try await store.createCredential(project: Fixture.projectB)
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func usersAndProjectNames(kind: StoreKind) async throws {
        try await kind.withFreshStore { store in
            try await store.createProject(id: Fixture.projectA, name: "alpha")
            try await store.createProject(id: Fixture.projectB, name: "alpha")
            #expect(try await store.projectName(Fixture.projectA) == "alpha")
            #expect(try await store.projectName(String(repeating: "c", count: 32)) == nil)
            #expect(try await store.projectIDs(named: "alpha") == [Fixture.projectA, Fixture.projectB])
            let id = try await store.createUser(domain: "acme", name: "alice", passwordHash: "h", project: Fixture.projectA)
            #expect(
                try await store.user(domain: "acme", name: "alice")
                    == IdentityUser(id: id, domain: "acme", name: "alice", passwordHash: "h", projectID: Fixture.projectA)
            )
            #expect(try await store.user(domain: "other", name: "alice") == nil)
            await #expect(throws: StoreError.userExists(domain: "acme", name: "alice")) {
                _ = try await store.createUser(domain: "acme", name: "alice", passwordHash: "h", project: Fixture.projectB)
            }
        }
    }
}
