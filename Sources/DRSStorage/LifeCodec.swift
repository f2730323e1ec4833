import DRSDomain
import Foundation

/// The stored form of ``LifeState``: JSON through Codable (read and written only on the write path and by the
/// lifecycle's reads, never by the query).
enum LifeCodec {
    static func encode(_ state: LifeState) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(state), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> LifeState {
        do {
            return try JSONDecoder().decode(LifeState.self, from: Data(text.utf8))
        } catch {
            throw StoreError.corrupt("a task's lifecycle state does not decode")
        }
    }

    /// A log row's codes as an entry.
    static func entry(seq: Int64, time: Int64, status: Int64, currentAction: Int64?, cause: Int64) throws -> LifeLogEntry {
        guard let status = JobStatus(code: Int(status)), let cause = LifeCause(code: Int(cause)) else {
            throw StoreError.corrupt("a transition log line holds an unknown code")
        }
        let action = try currentAction.map { code in
            guard let action = CurrentAction(code: Int(code)) else { throw StoreError.corrupt("unknown current action code") }
            return action
        }
        return LifeLogEntry(seq: seq, time: time, status: status, currentAction: action, cause: cause)
    }

    /// The lanes of the project's tasks that are not deleted.
    static let liveLanes: [Int] = DBUseType.allCases.map { Lane.of($0, .configuration) }
}
