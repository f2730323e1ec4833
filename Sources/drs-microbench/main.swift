import DRSAPI
import DRSDomain
import DRSSQLite
import DRSStorage
import Foundation
import Logging
import NIOCore

// Temporary: times store.page + JSON without HTTP, off the main actor.
nonisolated func measure() async throws {
    let path = CommandLine.arguments[1]
    let project = CommandLine.arguments[2]
    let body = CommandLine.arguments[3]
    let iterations = Int(CommandLine.arguments.count > 4 ? CommandLine.arguments[4] : "20000")!
    if CommandLine.arguments.count > 5 {
        let db = try SQLiteConnection(path: path)
        let start = ContinuousClock.now
        try db.execute(CommandLine.arguments[5])
        print("ran \(CommandLine.arguments[5]) in \(ContinuousClock.now - start)")
    }
    let store = try await SQLiteStore.open(path: path, logger: Logger(label: "x"))
    let query = try JobQueryParser.parse(Array(body.utf8))
    guard case .page(let offset, let limit) = query.paging else { fatalError() }
    var bytes = 0
    for _ in 0..<1000 {
        bytes += try await store.page(query, offset: offset, limit: limit, project: project) { total, rows in try DRSAPI.debugRender(total, rows) }
    }
    let start = ContinuousClock.now
    for _ in 0..<iterations {
        bytes += try await store.page(query, offset: offset, limit: limit, project: project) { total, rows in try DRSAPI.debugRender(total, rows) }
    }
    let (s, a) = (ContinuousClock.now - start).components
    print(String(format: "%.1f µs per page+JSON (%d bytes)", (Double(s) * 1e6 + Double(a) / 1e12) / Double(iterations), bytes / (iterations + 1000)))
    let parseStart = ContinuousClock.now
    for _ in 0..<iterations { _ = try JobQueryParser.parse(Array(body.utf8)) }
    let (ps, pa) = (ContinuousClock.now - parseStart).components
    print(String(format: "%.1f µs per parse", (Double(ps) * 1e6 + Double(pa) / 1e12) / Double(iterations)))
    await store.close()
}
try await measure()
