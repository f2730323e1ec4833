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
///
/// A class, and every trigram's tasks in two flat arrays: a search reads each chunk's lists without retaining an
/// array per list or per step (at 1,000,000 tasks, reference counting on chunks shared by two cores was 16 % of W3).
final class NameChunk: Sendable {
    /// Ordinals per chunk: a chunk is read again as a whole when one of its names or lanes changes.
    static let shift = 13
    static let size = 1 << shift
    /// What a full chunk of names of about forty characters takes in memory, with room (the process grew by about
    /// 1.2 MB per chunk read in the benchmark).
    static let typicalBytes = 3 << 19

    /// The chunk's first ordinal: a task's member number in the chunk is its ordinal's offset from it.
    let base: Int64
    /// Per member number: the task's lane, or ``absent`` when no task has that ordinal.
    let lanes: [UInt8]
    /// Per member number and one more: where its record starts in `text`, so that it ends where the next one starts.
    /// A record is the task's key (``TaskKey``, 8 bytes) then its folded name, so that checking a name and reading
    /// the key of a match touch the same cache lines; an absent member's record is empty.
    let bounds: [Int32]
    let text: [UInt8]
    /// Per trigram (``gramKey(_:)``): where the member numbers of the tasks whose name holds it are.
    let grams: [UInt64: Postings]
    /// The sorted lists of member numbers, one after another.
    let lists: [UInt16]
    /// The bitmaps of member numbers, one after another, each ``words`` long.
    let bitmaps: [UInt64]
    /// Words per bitmap.
    let words: Int

    static let absent: UInt8 = .max

    /// A trigram's tasks: `count` members of `lists` from `start` (sorted), or, when that is smaller, the bitmap
    /// of `bitmaps` from `start`.
    struct Postings: Sendable {
        var isBitmap: Bool
        var start: Int32
        var count: Int32
    }

    /// The memory the chunk takes, roughly.
    let byteCount: Int

    /// A chunk of tasks given in ordinal order (ordinal, key, lane, name as stored), every ordinal in one chunk.
    init(_ tasks: [(ordinal: Int64, key: Int64, lane: Int, name: String)]) {
        let base = ((tasks.first?.ordinal ?? 0) >> Self.shift) << Self.shift
        let span = tasks.last.map { Int($0.ordinal - base) + 1 } ?? 0
        precondition(span <= Self.size)
        var lanes = [UInt8](repeating: Self.absent, count: span)
        var bounds: [Int32] = []
        var text: [UInt8] = []
        var members: [UInt64: [UInt16]] = [:]
        bounds.reserveCapacity(span + 1)
        for task in tasks {
            let member = Int(task.ordinal - base)
            precondition(member >= bounds.count, "tasks in ordinal order, within one chunk")
            while bounds.count <= member { bounds.append(Int32(text.count)) }
            lanes[member] = UInt8(truncatingIfNeeded: task.lane)
            withUnsafeBytes(of: task.key.littleEndian) { text.append(contentsOf: $0) }
            let start = text.count
            text.append(contentsOf: JobQuery.fold(task.name).utf8)
            text.withUnsafeBufferPointer { all in
                Self.forEachGram(UnsafeBufferPointer(rebasing: all[start...])) { key in
                    members[key, default: []].appendOnce(UInt16(member))
                }
            }
        }
        bounds.append(Int32(text.count))
        var grams: [UInt64: Postings] = [:]
        grams.reserveCapacity(members.count)
        var lists: [UInt16] = []
        var bitmaps: [UInt64] = []
        let words = (span + 63) / 64
        for (key, list) in members {
            if list.count * 2 > words * 8 {
                grams[key] = Postings(isBitmap: true, start: Int32(bitmaps.count), count: Int32(list.count))
                let start = bitmaps.count
                bitmaps.append(contentsOf: repeatElement(0, count: words))
                for member in list { bitmaps[start + Int(member >> 6)] |= 1 << UInt64(member & 63) }
            } else {
                grams[key] = Postings(isBitmap: false, start: Int32(lists.count), count: Int32(list.count))
                lists.append(contentsOf: list)
            }
        }
        self.base = base
        self.lists = lists
        self.bitmaps = bitmaps
        self.words = words
        self.lanes = lanes
        self.bounds = bounds
        self.text = text
        self.grams = grams
        // A dictionary entry takes about 32 bytes with its share of empty buckets.
        self.byteCount = text.count + span * 5 + lists.count * 2 + bitmaps.count * 8 + grams.count * 32
    }

    /// Appends to `matches` the tasks in `lane` whose folded name contains `needle` (the UTF-8 of a folded fragment of
    /// three or more characters), in ordinal order, given the needle's distinct trigrams.
    func appendMatches(of needle: [UInt8], grams needleGrams: [UInt64], lane: Int, to matches: inout NameMatches) {
        precondition(!needleGrams.isEmpty, "a fragment of fewer than three characters has no trigram to look up")
        var listed: [Postings] = []
        var mapped: [Postings] = []
        for key in needleGrams {
            guard let postings = grams[key] else { return }
            if postings.isBitmap { mapped.append(postings) } else { listed.append(postings) }
        }
        var candidates: [Int] = []
        // Where each bitmap starts, read through a pointer in the loops below (iterating the array would retain it).
        let bitmapStarts = mapped.map { Int($0.start) }
        bitmapStarts.withUnsafeBufferPointer { bitmapStarts in
            lanes.withUnsafeBufferPointer { lanes in
                lists.withUnsafeBufferPointer { lists in
                    bitmaps.withUnsafeBufferPointer { bitmaps in
                        func check(_ member: Int) {
                            if Int(lanes[member]) == lane { candidates.append(member) }
                        }
                        if listed.isEmpty {
                            // Every trigram is in many names: the candidates are the AND of their bitmaps, a word at a time.
                            for index in 0..<words {
                                var word = bitmaps[bitmapStarts[0] + index]
                                for other in 1..<bitmapStarts.count { word &= bitmaps[bitmapStarts[other] + index] }
                                while word != 0 {
                                    check(index << 6 | word.trailingZeroBitCount)
                                    word &= word - 1
                                }
                            }
                            return
                        }
                        // The rarest trigram's tasks, kept when every other trigram's list (merged alongside: a list holds
                        // at most 512 members) and bitmap holds them.
                        listed.sort { $0.count < $1.count }
                        let members = listed.map { UnsafeBufferPointer(rebasing: lists[Int($0.start)..<Int($0.start + $0.count)]) }
                        var cursors = [Int](repeating: 0, count: members.count)
                        next: for candidate in members[0] {
                            for other in 1..<members.count {
                                let list = members[other]
                                var cursor = cursors[other]
                                while cursor < list.count && list[cursor] < candidate { cursor += 1 }
                                cursors[other] = cursor
                                guard cursor < list.count else { break next }
                                if list[cursor] != candidate { continue next }
                            }
                            let (word, bit) = (Int(candidate >> 6), UInt64(candidate & 63))
                            for start in bitmapStarts where bitmaps[start + word] & (1 << bit) == 0 { continue next }
                            check(Int(candidate))
                        }
                    }
                }
            }
        }
        verify(candidates, needle, into: &matches)
    }

    /// Appends the `candidates` whose name contains `needle`. A large tenant's names do not fit in the processor's
    /// caches, and the candidates' names are far apart: each is prefetched a few candidates ahead, so that their reads
    /// overlap (at 1,000,000 tasks the checks otherwise waited for memory most of the time). A match's ordinal is the
    /// chunk's base plus its member number, and its key is read from just before its name: neither costs another read
    /// from memory.
    private func verify(_ candidates: [Int], _ needle: [UInt8], into matches: inout NameMatches) {
        let ahead = Self.ahead
        text.withUnsafeBufferPointer { text in
            bounds.withUnsafeBufferPointer { bounds in
                needle.withUnsafeBufferPointer { needle in
                    guard let start = text.baseAddress else { return }
                    for (number, member) in candidates.enumerated() {
                        if number + ahead < candidates.count { prefetch(candidates[number + ahead]) }
                        let record = Int(bounds[member])
                        let name = UnsafeBufferPointer(rebasing: text[(record + 8)..<Int(bounds[member + 1])])
                        if Self.contains(name, needle) {
                            matches.ordinals.append(base + Int64(member))
                            matches.keys.append(Int64(littleEndian: UnsafeRawPointer(start + record).loadUnaligned(as: Int64.self)))
                        }
                    }
                }
            }
        }
    }

    /// How many candidates ahead ``verify`` asks for a record.
    static let ahead = 16

    /// Asks for a member's record (its first and last bytes: a record may span two cache lines) to be read into the
    /// caches.
    private func prefetch(_ member: Int) {
        text.withUnsafeBufferPointer { text in
            guard let start = text.baseAddress else { return }
            drs_prefetch(start + Int(bounds[member]))
            drs_prefetch(start + Int(bounds[member + 1]) - 1)
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
