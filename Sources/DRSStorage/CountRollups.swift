import DRSDomain

/// A dimension of the exact totals: a column of the count tables and of `tasks`.
enum CountDimension: String, CaseIterable, Sendable {
    case status, engine, net, eps
}

/// The dimensions of one top-level task that its totals are kept by.
struct CountKey: Hashable, Sendable {
    var tenant: Int64
    var lane: Int
    var status: Int
    var engine: Int
    var net: Int
    var eps: String

    init(tenant: Int64, lane: Int, status: Int, engine: Int, net: Int, eps: String) {
        self.tenant = tenant
        self.lane = lane
        self.status = status
        self.engine = engine
        self.net = net
        self.eps = eps
    }

    init(tenant: Int64, record: JobRecord) {
        self.init(
            tenant: tenant,
            lane: Lane.of(record.dbUseType, record.status),
            status: record.status.code,
            engine: record.engineType.code,
            net: record.netType.code,
            eps: record.enterpriseProjectID
        )
    }

    func value(_ dimension: CountDimension) -> CountValue {
        switch dimension {
        case .status: return .integer(status)
        case .engine: return .integer(engine)
        case .net: return .integer(net)
        case .eps: return .text(eps)
        }
    }
}

enum CountValue: Hashable, Sendable {
    case integer(Int)
    case text(String)
}

/// One table of exact totals: the number of top-level tasks per tenant, lane and its dimensions.
struct CountRollup: Sendable {
    var table: String
    var dimensions: [CountDimension]

    var keyColumns: [String] { ["tenant", "lane"] + dimensions.map(\.rawValue) }
}

/// The count tables, as data. Every change to a task updates each of them (``CountDelta``); a query's total is a sum
/// over the rows of the one that needs the fewest (``best(for:)``), a handful whatever the tenant's size.
enum CountRollups {
    static let all: [CountRollup] = [
        CountRollup(table: "counts_lane", dimensions: []),
        CountRollup(table: "counts_status", dimensions: [.status, .engine]),
        CountRollup(table: "counts_engine", dimensions: [.engine, .status]),
        CountRollup(table: "counts_net", dimensions: [.net, .status, .engine]),
        CountRollup(table: "counts_eps", dimensions: [.eps]),
        CountRollup(table: "counts_eps_detail", dimensions: [.eps, .net, .status, .engine]),
    ]

    /// The dimensions a query filters on within its lane (`DELETED` is the lane, not a filter).
    static func filtered(_ query: JobQuery) -> [CountDimension: CountValue] {
        var values: [CountDimension: CountValue] = [:]
        if let status = query.status, status != .deleted { values[.status] = .integer(status.code) }
        if let engine = query.engineType { values[.engine] = .integer(engine.code) }
        if let net = query.netType { values[.net] = .integer(net.code) }
        if let eps = query.enterpriseProjectID { values[.eps] = .text(eps) }
        return values
    }

    /// The rollup that holds every filtered dimension and the fewest others, preferring one whose key starts with them.
    static func best(for filtered: Set<CountDimension>) -> CountRollup {
        let usable = all.filter { filtered.isSubset(of: $0.dimensions) }
        return usable.min { score($0, filtered) < score($1, filtered) }!
    }

    private static func score(_ rollup: CountRollup, _ filtered: Set<CountDimension>) -> (Int, Int) {
        let prefix = rollup.dimensions.prefix { filtered.contains($0) }.count
        return (rollup.dimensions.count - filtered.count, filtered.count - prefix)
    }
}

/// Changes to the totals gathered during one write transaction and applied at its end, so that the count rows are
/// locked only for the last moments of a long write.
struct CountDelta: Sendable {
    private(set) var changes: [CountKey: Int] = [:]

    var isEmpty: Bool { changes.values.allSatisfy { $0 == 0 } }

    mutating func add(_ key: CountKey, _ n: Int) {
        changes[key, default: 0] += n
    }

    /// A task moves from `old` to `new` (either may be nil: inserted, removed, or not a top-level task).
    mutating func move(from old: CountKey?, to new: CountKey?) {
        guard old != new else { return }
        if let old { add(old, -1) }
        if let new { add(new, 1) }
    }

    /// The non-zero changes of one rollup: its key values (tenant, lane, then its dimensions) and the change.
    func rows(of rollup: CountRollup) -> [(tenant: Int64, lane: Int, values: [CountValue], n: Int)] {
        struct RollupKey: Hashable {
            var tenant: Int64
            var lane: Int
            var values: [CountValue]
        }
        var rows: [RollupKey: Int] = [:]
        for (key, n) in changes where n != 0 {
            rows[RollupKey(tenant: key.tenant, lane: key.lane, values: rollup.dimensions.map(key.value)), default: 0] += n
        }
        return rows.filter { $0.value != 0 }.map { ($0.key.tenant, $0.key.lane, $0.key.values, $0.value) }
    }

    mutating func reset() {
        changes = [:]
    }
}
