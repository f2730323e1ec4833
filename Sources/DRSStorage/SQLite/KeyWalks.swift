import DRSSQLite

/// Walks the matches of a query for one page: counts them when the count tables cannot, and keeps the page's keys.
///
/// Used by one thread at a time; a walk that outgrows its inline budget continues on a pool thread.
final class PageWalk: @unchecked Sendable {
    private let source: any KeySource
    private var collector: WindowCollector
    private let counts: Bool
    private var started = false
    /// Matches walked so far (the total, once finished, when ``counts``).
    private(set) var walked = 0

    /// - Parameter counts: whether the walk must visit every match to count them.
    init(_ source: any KeySource, offset: Int, limit: Int, counts: Bool) {
        self.source = source
        self.collector = WindowCollector(offset: offset, limit: limit)
        self.counts = counts
    }

    /// Walks at most `budget` keys; returns whether the walk is done.
    func run(budget: Int = .max) throws -> Bool {
        if !started {
            started = true
            try source.seek(atLeast: .min)
        }
        var remaining = budget
        while let key = source.current {
            if !counts && collector.isComplete { break }
            if remaining == 0 { return false }
            remaining -= 1
            collector.add(key)
            walked += 1
            try source.advance()
        }
        collector.finish()
        return true
    }

    /// The page's keys in answer order.
    func page(_ db: SQLiteConnection) throws -> [Int64] {
        try collector.page { keys in try SQLiteStore.ids(of: keys, db) }
    }
}

/// The keys of every match in answer order: key order, with tasks of the same millisecond sorted by ID.
final class OrderedKeys {
    private let source: any KeySource
    private let connection: SQLiteConnection
    private var group: [Int64] = []
    private var index = 0
    private var started = false

    init(_ source: any KeySource, _ connection: SQLiteConnection) {
        self.source = source
        self.connection = connection
    }

    /// Whether another key follows.
    func hasNext() throws -> Bool {
        try start()
        return index < group.count || source.current != nil
    }

    func next() throws -> Int64? {
        try start()
        if index < group.count {
            defer { index += 1 }
            return group[index]
        }
        guard let first = source.current else { return nil }
        group.removeAll(keepingCapacity: true)
        group.append(first)
        try source.advance()
        let time = TaskKey.createTime(first)
        while let key = source.current, TaskKey.createTime(key) == time {
            group.append(key)
            try source.advance()
        }
        if group.count > 1 {
            let ids = try SQLiteStore.ids(of: group, connection)
            group.sort { ids[$0, default: ""] < ids[$1, default: ""] }
        }
        index = 1
        return group[0]
    }

    private func start() throws {
        guard !started else { return }
        started = true
        try source.seek(atLeast: .min)
    }
}

/// A streamed answer being read: its rows, handed out in batches of whole tasks.
final class StreamWalk: @unchecked Sendable {
    private let keys: OrderedKeys
    private var remainingInBatch = 0
    private(set) var rows: SQLiteRowCursor!

    init(_ keys: OrderedKeys, _ connection: SQLiteConnection) throws {
        self.keys = keys
        self.rows = nil
        self.rows = try SQLiteRowCursor(connection) { [unowned self] in
            var keys: [Int64] = []
            while keys.count < 100, self.remainingInBatch > 0, let key = try self.keys.next() {
                keys.append(key)
                self.remainingInBatch -= 1
            }
            return keys
        }
    }

    /// Lets the next `size` tasks through the row cursor.
    func startBatch(_ size: Int) {
        remainingInBatch = size
    }

    var isExhausted: Bool { get throws { try !keys.hasNext() } }
}

extension SQLiteStore {
    static let idOfKey = SQL("SELECT id FROM tasks WHERE pk = ?1")

    /// The IDs of tasks by key.
    static func ids(of keys: [Int64], _ db: SQLiteConnection) throws -> [Int64: String] {
        try db.withStatement(idOfKey) { statement in
            var ids: [Int64: String] = [:]
            for key in keys {
                statement.reset()
                statement.bind(1, key)
                if try statement.step() { ids[key] = statement.text(0) }
            }
            return ids
        }
    }
}
