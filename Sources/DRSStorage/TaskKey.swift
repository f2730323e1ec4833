import DRSDomain

/// The primary key of a stored task: its create time in milliseconds, shifted left by ``sequenceBits``, plus the low
/// bits of a number from a database counter, all bits inverted.
///
/// So ascending key order is newest-first create-time order: every index that ends in the key lists a tenant's tasks
/// in answer order when read forwards (the direction every B-tree and FTS5 reads fastest), and an intersection of two
/// such lists is a merge. Tasks created in the same millisecond are ordered by ID in answers; readers sort such ties
/// themselves (``WindowCollector``). Two keys collide only when two tasks share a millisecond and their counter values
/// agree in the low bits; the writer then takes the next counter value.
public enum TaskKey {
    public static let sequenceBits: Int64 = 15
    static let sequenceMask: Int64 = (1 << sequenceBits) - 1
    /// Create times the key can hold: the years 1 to 9999 of `yyyy-MM-dd HH:mm:ss` fit with room to spare.
    public static let createTimeRange: ClosedRange<Int64> = -(1 << 48)...((1 << 48) - 1)

    public static func make(createTime: Int64, sequence: Int64) -> Int64 {
        ~((createTime << sequenceBits) | (sequence & sequenceMask))
    }

    /// The create time (milliseconds) of the task with key `key`.
    public static func createTime(_ key: Int64) -> Int64 {
        (~key) >> sequenceBits
    }
}

/// Which list of a tenant a top-level task appears in: its scenario (`db_use_type`), and whether it is `DELETED`
/// (left out of answers unless asked for by status). Subtasks are in no list.
public enum Lane {
    public static func of(_ use: DBUseType, _ status: JobStatus) -> Int {
        use.code * 2 + (status == .deleted ? 1 : 0)
    }

    /// The lane a query reads.
    public static func of(_ query: JobQuery) -> Int {
        query.dbUseType.code * 2 + (query.status == .deleted ? 1 : 0)
    }

    /// The scope of a name-index entry: the tenant and the lane.
    public static func nameScope(tenant: Int64, lane: Int) -> String {
        "\(tenant).\(lane)"
    }
}
