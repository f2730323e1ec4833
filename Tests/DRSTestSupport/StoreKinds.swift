import DRSDomain
import DRSStorage
import Foundation
import Logging

/// The store implementations every contract test runs against.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite

    /// A temporary folder for one test; removed afterwards.
    public static func withTemporaryFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drs-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    public var description: String { rawValue }

    /// A new, empty store of this kind; `body` runs with it, then it is closed and removed.
    public func withFreshStore<T>(_ body: (any JobStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            return try await Self.withTemporaryFolder { folder in
                let store = try await SQLiteJobStore.open(path: folder.appendingPathComponent("drs.sqlite").path, logger: Logger(label: "test"))
                return try await store.closing(after: body)
            }
        }
    }
}
