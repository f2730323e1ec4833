/// A name search's matches among the names held in memory (``NameIndex``): per match its ordinal (ascending, what the
/// total and the facet count take) and its task key (what the page is walked in).
struct NameMatches {
    var ordinals: [Int64] = []
    var keys: [Int64] = []
    /// The key of the lane's task whose ID is the searched text, if any: it matches too, whatever its name.
    var idKey: Int64?

    var count: Int { ordinals.count }

    /// The keys in ascending order (newest first). With a `window`, only what a page ending at that position needs
    /// when the matches are its only list: the `window` smallest keys and the rest of the last one's millisecond
    /// (``WindowCollector`` puts a millisecond's tasks in ID order). Picking them costs about one comparison per match
    /// where sorting them all costs a dozen.
    func sortedKeys(window: Int?) -> [Int64] {
        guard let window, window > 0, window < keys.count / 4 else { return keys.sorted() }
        var smallest: [Int64] = []
        smallest.reserveCapacity(window + 1)
        for key in keys {
            if smallest.count == window {
                guard key < smallest[window - 1] else { continue }
                smallest.removeLast()
            }
            var (low, high) = (0, smallest.count)
            while low < high {
                let middle = (low + high) / 2
                if smallest[middle] < key { low = middle + 1 } else { high = middle }
            }
            smallest.insert(key, at: low)
        }
        let last = smallest[smallest.count - 1]
        let time = TaskKey.createTime(last)
        let rest = keys.filter { $0 > last && TaskKey.createTime($0) == time }
        return smallest + rest.sorted()
    }
}
