import DRSSQLite

/// Keys of one list of tasks, walked in ascending key order (newest first, ``TaskKey``). Sources only ever move
/// forward: each seek target is at least the previous one.
protocol KeySource: AnyObject {
    /// The key the source is at; nil before the first seek and after the end.
    var current: Int64? { get }
    /// Moves to the smallest key that is at least `target` (staying put when already there).
    func seek(atLeast target: Int64) throws
}

extension KeySource {
    /// Moves past the current key.
    func advance() throws {
        guard let current, current < .max else { return try seek(atLeast: .max) }
        try seek(atLeast: current + 1)
    }
}

/// A list read from an index: `SELECT pk … AND pk >= ?N ORDER BY pk`, with the bound as its last parameter.
///
/// A seek first steps forward a few rows (cheap: the next key is often close), and only then starts the statement
/// again at the target (a B-tree descent). Equal keys in a row (a task whose source and target instance match) count
/// once.
final class StatementKeySource: KeySource {
    private let statement: SQLiteStatement
    private let connection: SQLiteConnection
    private let boundParameter: Int32
    private(set) var current: Int64?
    private var started = false
    private var exhausted = false
    /// Rows read and statements restarted, for tests and profiles.
    private(set) var steps = 0
    private(set) var restarts = 0

    /// `bind` binds every parameter but the last; the last is the upper bound of the keys.
    init(_ connection: SQLiteConnection, _ sql: SQL, bind: (SQLiteStatement) -> Void) throws {
        self.connection = connection
        self.statement = try connection.lend(sql)
        self.boundParameter = statement.parameterCount
        bind(statement)
    }

    deinit {
        connection.giveBack(statement)
    }

    func seek(atLeast target: Int64) throws {
        guard !exhausted else { return }
        if started, let current {
            if current >= target { return }
            for _ in 0..<4 {
                try stepOnce()
                guard let now = self.current else { return }
                if now >= target { return }
            }
        }
        statement.reset()
        statement.bind(boundParameter, target)
        started = true
        restarts += 1
        current = nil
        try stepOnce()
    }

    private func stepOnce() throws {
        let previous = current
        while try statement.step() {
            steps += 1
            let key = statement.int64(0)
            if key != previous {
                current = key
                return
            }
        }
        current = nil
        exhausted = true
    }
}

/// Keys known in advance (tasks named by ID).
final class ArrayKeySource: KeySource {
    private let keys: [Int64]
    private var index = 0
    private var started = false

    init(_ keys: [Int64]) {
        self.keys = Array(Set(keys)).sorted()
    }

    /// Keys already ascending, each once.
    init(sorted keys: [Int64]) {
        self.keys = keys
    }

    var current: Int64? { started && index < keys.count ? keys[index] : nil }

    func seek(atLeast target: Int64) throws {
        started = true
        // Binary search for the first key >= target at or after `index`.
        var low = index
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] >= target { high = middle } else { low = middle + 1 }
        }
        index = low
    }
}

/// Keys in any of several lists (several instance IDs; a name or an ID).
final class UnionKeySource: KeySource {
    private let sources: [any KeySource]
    private(set) var current: Int64?

    init(_ sources: [any KeySource]) {
        self.sources = sources
    }

    func seek(atLeast target: Int64) throws {
        var best: Int64?
        for source in sources {
            try source.seek(atLeast: target)
            if let key = source.current, key < best ?? .max { best = key }
        }
        current = best
    }
}

/// Keys in every one of several lists: a leapfrog join. Each list jumps to the others' position, so the work follows
/// the sparsest list, whatever the data's distribution; no statistics are needed to choose where to start.
final class IntersectionKeySource: KeySource {
    private let sources: [any KeySource]
    private(set) var current: Int64?

    init(_ sources: [any KeySource]) {
        precondition(!sources.isEmpty)
        self.sources = sources
    }

    func seek(atLeast start: Int64) throws {
        var target = start
        while true {
            var agreed = true
            for source in sources {
                try source.seek(atLeast: target)
                guard let key = source.current else {
                    current = nil
                    return
                }
                if key > target {
                    target = key
                    agreed = false
                    break
                }
            }
            if agreed {
                current = target
                return
            }
        }
    }
}

/// Keys of `base` for which `predicate` holds (the rare name searches the index cannot serve).
final class FilteredKeySource: KeySource {
    private let base: any KeySource
    private let predicate: (Int64) throws -> Bool
    private(set) var current: Int64?

    init(_ base: any KeySource, _ predicate: @escaping (Int64) throws -> Bool) {
        self.base = base
        self.predicate = predicate
    }

    func seek(atLeast target: Int64) throws {
        try base.seek(atLeast: target)
        while let key = base.current, try !predicate(key) {
            try base.advance()
        }
        current = base.current
    }
}
