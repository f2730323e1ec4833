import CDRSSQLiteConfig
import DRSDomain
import Glibc

/// The case-folded names of one tenant's top-level tasks whose ordinals (`tasks.ord`) fall in one chunk of
/// ``size`` ordinals, with the lane of each and, per trigram, the tasks whose name holds it: what a name search's
/// exact total is counted from (``NameIndex``).
///
/// A fragment of three or more characters is in a name only if each of its trigrams is; the tasks holding all of them
/// are the candidates (intersected from the rarest trigram's list), and each candidate's name is then checked for
/// the fragment itself. So a search costs about one check per match, however common the fragment's trigrams are in
/// the tenant's names: FTS5's phrase query reads every entry of every one of its trigrams' lists.
struct NameChunk: Sendable {
    /// Ordinals per chunk: a chunk is read again as a whole when one of its names or lanes changes.
    static let shift = 13
    static let size = 1 << shift
    /// What a full chunk of names of about forty characters takes in memory, with room (the process grew by about
    /// 1.2 MB per chunk read in the benchmark).
    static let typicalBytes = 3 << 19

    /// Per task, in ordinal order: its ordinal, key (``TaskKey``), lane, and the range of its folded name in `text`.
    let ordinals: [Int64]
    let keys: [Int64]
    let lanes: [UInt8]
    let starts: [Int32]
    let text: [UInt8]
    /// Per trigram (``gramKey(_:)``): the indexes (into `ordinals`) of the tasks whose name holds it.
    let grams: [UInt64: Postings]

    /// A trigram's tasks: a sorted list, or a bitmap of the chunk's indexes when that is smaller.
    enum Postings: Sendable {
        case list([UInt16])
        case bits([UInt64])

        var byteCount: Int {
            switch self {
            case .list(let members): return members.count * 2 + 32
            case .bits(let words): return words.count * 8 + 32
            }
        }
    }

    /// The memory the chunk takes, roughly.
    let byteCount: Int

    /// A chunk of tasks given in ordinal order (ordinal, key, lane, name as stored).
    init(_ tasks: [(ordinal: Int64, key: Int64, lane: Int, name: String)]) {
        precondition(tasks.count <= Self.size)
        var ordinals: [Int64] = []
        var keys: [Int64] = []
        var lanes: [UInt8] = []
        var starts: [Int32] = [0]
        var text: [UInt8] = []
        var lists: [UInt64: [UInt16]] = [:]
        ordinals.reserveCapacity(tasks.count)
        keys.reserveCapacity(tasks.count)
        lanes.reserveCapacity(tasks.count)
        starts.reserveCapacity(tasks.count + 1)
        for (index, task) in tasks.enumerated() {
            ordinals.append(task.ordinal)
            keys.append(task.key)
            lanes.append(UInt8(truncatingIfNeeded: task.lane))
            let start = text.count
            text.append(contentsOf: JobQuery.fold(task.name).utf8)
            starts.append(Int32(text.count))
            let member = UInt16(index)
            text.withUnsafeBufferPointer { all in
                Self.forEachGram(UnsafeBufferPointer(rebasing: all[start...])) { key in
                    lists[key, default: []].appendOnce(member)
                }
            }
        }
        var grams: [UInt64: Postings] = [:]
        grams.reserveCapacity(lists.count)
        var bytes = text.count + ordinals.count * 21
        let words = (tasks.count + 63) / 64
        for (key, members) in lists {
            let postings: Postings
            if members.count * 2 > words * 8 {
                var bits = [UInt64](repeating: 0, count: words)
                for member in members { bits[Int(member >> 6)] |= 1 << UInt64(member & 63) }
                postings = .bits(bits)
            } else {
                postings = .list(members)
            }
            bytes += postings.byteCount + 16
            grams[key] = postings
        }
        self.ordinals = ordinals
        self.keys = keys
        self.lanes = lanes
        self.starts = starts
        self.text = text
        self.grams = grams
        self.byteCount = bytes
    }

    /// Appends to `matches` the tasks in `lane` whose folded name contains `needle` (the UTF-8 of a folded fragment of
    /// three or more characters), in ordinal order, given the needle's distinct trigrams.
    func appendMatches(of needle: [UInt8], grams needleGrams: [UInt64], lane: Int, to matches: inout NameMatches) {
        precondition(!needleGrams.isEmpty, "a fragment of fewer than three characters has no trigram to look up")
        var lists: [[UInt16]] = []
        var bitmaps: [[UInt64]] = []
        var candidates: [Int] = []
        for key in needleGrams {
            switch grams[key] {
            case nil: return
            case .list(let members): lists.append(members)
            case .bits(let words): bitmaps.append(words)
            }
        }
        if lists.isEmpty {
            // Every trigram is in many names: the candidates are the AND of their bitmaps, a word at a time.
            var words = bitmaps[0]
            for other in bitmaps.dropFirst() { for index in words.indices { words[index] &= other[index] } }
            for (index, word) in words.enumerated() where word != 0 {
                var rest = word
                while rest != 0 {
                    check(UInt16(index << 6 | rest.trailingZeroBitCount))
                    rest &= rest - 1
                }
            }
            verify(candidates, needle, into: &matches)
            return
        }
        // The rarest trigram's tasks, kept when every other trigram's list (merged alongside: a list holds at most
        // 512 members) and bitmap holds them.
        lists.sort { $0.count < $1.count }
        var cursors = [Int](repeating: 0, count: lists.count)
        next: for candidate in lists[0] {
            for other in 1..<lists.count {
                let list = lists[other]
                var cursor = cursors[other]
                while cursor < list.count && list[cursor] < candidate { cursor += 1 }
                cursors[other] = cursor
                guard cursor < list.count else { break next }
                if list[cursor] != candidate { continue next }
            }
            for words in bitmaps where words[Int(candidate >> 6)] & (1 << UInt64(candidate & 63)) == 0 { continue next }
            check(candidate)
        }

        func check(_ index: UInt16) {
            if Int(lanes[Int(index)]) == lane { candidates.append(Int(index)) }
        }
        verify(candidates, needle, into: &matches)
    }

    /// Appends the `candidates` whose name contains `needle`. A large tenant's names do not fit in the
    /// processor's caches, and the candidates' names are far apart: each is prefetched a few candidates ahead, so that
    /// their reads overlap (at 1,000,000 tasks the checks otherwise waited for memory most of the time).
    private func verify(_ candidates: [Int], _ needle: [UInt8], into matches: inout NameMatches) {
        let ahead = 16
        text.withUnsafeBufferPointer { text in
            needle.withUnsafeBufferPointer { needle in
                guard let base = text.baseAddress else { return }
                for (number, position) in candidates.enumerated() {
                    if number + ahead < candidates.count {
                        // A name's first and last bytes: a name may span two cache lines.
                        let later = candidates[number + ahead]
                        drs_prefetch(base + Int(starts[later]))
                        drs_prefetch(base + Int(starts[later + 1]) - 1)
                    }
                    let name = UnsafeBufferPointer(rebasing: text[Int(starts[position])..<Int(starts[position + 1])])
                    if Self.contains(name, needle) {
                        matches.ordinals.append(ordinals[position])
                        matches.keys.append(keys[position])
                    }
                }
            }
        }
    }

    /// Whether `haystack` contains `needle` (not empty): each place that starts with the needle's first byte compared
    /// with `memcmp`.
    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = needle.count
        guard length > 0, haystack.count >= length, let base = haystack.baseAddress, let pattern = needle.baseAddress else {
            return length == 0
        }
        let first = pattern.pointee
        var start = 0
        let last = haystack.count - length
        while start <= last {
            if base[start] == first && memcmp(base + start, pattern, length) == 0 { return true }
            start += 1
        }
        return false
    }

    /// Calls `body` with the key of each trigram (three consecutive Unicode scalars) of the UTF-8 text `bytes`.
    static func forEachGram(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UInt64) -> Void) {
        // The starts of the last three scalars seen.
        var starts = (-1, -1, -1)
        var index = 0
        while index <= bytes.count {
            if index == bytes.count || bytes[index] & 0xC0 != 0x80 {
                if starts.0 >= 0 { body(gramKey(UnsafeBufferPointer(rebasing: bytes[starts.0..<index]))) }
                starts = (starts.1, starts.2, index)
            }
            index += 1
        }
    }

    /// The distinct trigram keys of a fragment's UTF-8.
    static func gramKeys(of needle: [UInt8]) -> [UInt64] {
        var keys: [UInt64] = []
        needle.withUnsafeBufferPointer { bytes in forEachGram(bytes) { if !keys.contains($0) { keys.append($0) } } }
        return keys
    }

    /// A trigram's key: FNV-1a of its bytes. Two trigrams with one key only add candidates, which the check drops.
    static func gramKey(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}

extension Array where Element == UInt16 {
    /// Appends `member` unless it is already the last element (a name holding one trigram twice).
    fileprivate mutating func appendOnce(_ member: UInt16) {
        if last != member { append(member) }
    }
}
