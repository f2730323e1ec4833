/// Picks one page out of the matches of a query walked in key order, and puts tasks created in the same millisecond in
/// ID order, as answers list them (`create_time` descending, then `id` ascending).
///
/// Keys (``TaskKey``) order tasks by create time, but tasks created in the same millisecond by their counter value.
/// Such a group is contiguous in key order, so its positions are known once it ends; only the groups that overlap the
/// page are kept, and only groups of two or more need their IDs to be sorted.
struct WindowCollector {
    let offset: Int
    let end: Int
    /// Keys added so far: the position of the next one.
    private(set) var position = 0
    private var groupTime: Int64?
    private var groupStart = 0
    private var groupKeys: [Int64] = []
    /// Tasks created in one millisecond that overlap the page: where they start, and their keys in key order.
    struct Group {
        var start: Int
        var keys: [Int64]
    }

    /// The groups that overlap the page.
    private(set) var groups: [Group] = []

    init(offset: Int, limit: Int) {
        self.offset = offset
        let (end, overflow) = offset.addingReportingOverflow(limit)
        self.end = overflow ? Int.max : end
    }

    /// Whether the page is settled: a group that starts after it has begun.
    var isComplete: Bool { groupTime != nil && groupStart >= end }

    /// Adds the next key in key order (ascending: newest first).
    mutating func add(_ key: Int64) {
        let time = TaskKey.createTime(key)
        if time != groupTime {
            closeGroup()
            groupTime = time
            groupStart = position
            groupKeys.removeAll(keepingCapacity: true)
        }
        if groupStart < end { groupKeys.append(key) }
        position += 1
    }

    /// Ends the walk (or stops it once ``isComplete``).
    mutating func finish() {
        closeGroup()
        groupTime = nil
    }

    private mutating func closeGroup() {
        guard groupTime != nil, groupStart < end, position > offset else { return }
        groups.append(Group(start: groupStart, keys: groupKeys))
    }

    /// The page's keys in answer order. `ids` gives the IDs of keys that share a millisecond.
    func page(ids: ([Int64]) throws -> [Int64: String]) rethrows -> [Int64] {
        var page: [Int64] = []
        for group in groups {
            var keys = group.keys
            if keys.count > 1 {
                let byKey = try ids(keys)
                keys.sort { byKey[$0, default: ""] < byKey[$1, default: ""] }
            }
            for (index, key) in keys.enumerated() where (offset..<end).contains(group.start + index) {
                page.append(key)
            }
        }
        return page
    }
}
