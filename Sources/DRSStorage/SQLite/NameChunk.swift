import CDRSSQLiteConfig
import DRSDomain
import Glibc

/// The case-folded names of one tenant's top-level tasks whose ordinals (`tasks.ord`) fall in one chunk of
/// ``size`` ordinals, with the lane of each and, per trigram, the tasks whose name holds it: what a name search's
/// exact total and page are found from (``NameIndex``).
///
/// A fragment of three or more characters is in a name only if each of its trigrams is; the tasks holding all of them
/// are the candidates (intersected from the rarest trigram's list), and each candidate's name is then checked for
/// the fragment itself (``NameSearch``). So a search costs about one check per match, however common the fragment's
/// trigrams are in the tenant's names: FTS5's phrase query reads every entry of every one of its trigrams' lists.
///
/// A trigram's tasks are a sorted list of entries, each a member number with the task's lane in the bits above it
/// (``entry(member:lane:)``), so a search reads only its lane's part of a list; or, for a trigram in more than one
/// name in sixteen, a bitmap of member numbers (every lane). The chunk's arrays are allocated once and read through
/// pointers for its lifetime: a search retains nothing per list, per step or per candidate. (`@unchecked`: that
/// memory is written only by `init`, then read by any thread.)
final class NameChunk: @unchecked Sendable {
    /// Ordinals per chunk: a chunk is read again as a whole when one of its names or lanes changes.
    static let shift = 13
    static let size = 1 << shift
    /// Lanes a list entry can carry (the bits of a `UInt16` above a member number); drs has six (``Lane``).
    static let laneCapacity = 1 << (16 - shift)
    /// What a full chunk of names of about forty characters takes in memory, with room (the process grew by about
    /// 1.2 MB per chunk read in the benchmark).
    static let typicalBytes = 3 << 19

    /// Where the chunk's memory is: plain pointers, so that a search holding them retains nothing.
    let view: View

    /// The chunk's memory, allocated once and freed with the chunk: a search reads it through ``View`` while it holds
    /// the chunk.
    struct View {
        /// The chunk's first ordinal: a task's member number in the chunk is its ordinal's offset from it.
        let base: Int64
        /// Per member number: the task's lane, or ``absent`` when no task has that ordinal.
        let lanes: UnsafeBufferPointer<UInt8>
        /// Per member number and one more: where its record starts in `text`, so that it ends where the next one starts.
        /// A record is the task's key (``TaskKey``, 8 bytes) then its folded name, so that checking a name and reading
        /// the key of a match touch the same cache lines; an absent member's record is empty.
        let bounds: UnsafeBufferPointer<Int32>
        let text: UnsafeBufferPointer<UInt8>
        /// Per trigram (``gramKey(_:)``): where the tasks whose name holds it are (``Postings/value``). An open-addressing
        /// table of pairs (trigram key, postings value; a value of 0 marks a free slot), so that a search can ask for a
        /// trigram's slot from memory before it reads it (``askForSlot(of:)``).
        let table: UnsafeBufferPointer<UInt64>
        /// Slots in `table`, less one (a power of two, less one).
        let mask: Int
        /// The sorted lists of entries, one after another.
        let lists: UnsafeBufferPointer<UInt16>
        /// The bitmaps of member numbers, one after another, each ``words`` long.
        let bitmaps: UnsafeBufferPointer<UInt64>
        /// Words per bitmap.
        let words: Int
    }

    static let absent: UInt8 = .max

    /// A trigram's tasks: `count` entries of `lists` from `start`, or, when that is smaller, the bitmap of `bitmaps`
    /// from `start`.
    struct Postings: Sendable {
        var isBitmap: Bool
        var start: Int
        var count: Int

        /// As stored in the table: never 0 (a trigram is in one name at least).
        var value: UInt64 { UInt64(start) << 32 | UInt64(count) << 1 | (isBitmap ? 1 : 0) }

        init(isBitmap: Bool, start: Int, count: Int) {
            (self.isBitmap, self.start, self.count) = (isBitmap, start, count)
        }

        init(value: UInt64) {
            (isBitmap, start, count) = (value & 1 == 1, Int(value >> 32), Int(value & 0xFFFF_FFFF) >> 1)
        }
    }

    /// The memory the chunk takes, roughly.
    let byteCount: Int

    /// A list entry: the member number, with the lane above it (entries sort by lane, then member).
    static func entry(member: Int, lane: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: lane << shift | member)
    }

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
            precondition((0..<Self.laneCapacity).contains(task.lane), "a lane fits in a list entry")
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
        var mask = 3
        while mask + 1 < 2 * members.count { mask = mask << 1 | 1 }
        var table = [UInt64](repeating: 0, count: 2 * (mask + 1))
        func enter(_ key: UInt64, _ postings: Postings) {
            var slot = Self.slot(key, mask: mask)
            while table[2 * slot + 1] != 0 { slot = (slot + 1) & mask }
            (table[2 * slot], table[2 * slot + 1]) = (key, postings.value)
        }
        var lists: [UInt16] = []
        var bitmaps: [UInt64] = []
        let words = (span + 63) / 64
        for (key, list) in members {
            if list.count * 2 > words * 8 {
                enter(key, Postings(isBitmap: true, start: bitmaps.count, count: list.count))
                let start = bitmaps.count
                bitmaps.append(contentsOf: repeatElement(0, count: words))
                for member in list { bitmaps[start + Int(member >> 6)] |= 1 << UInt64(member & 63) }
            } else {
                enter(key, Postings(isBitmap: false, start: lists.count, count: list.count))
                // Members ascend: ordered by lane first, each lane's stay ascending.
                lists.append(contentsOf: list.map { Self.entry(member: Int($0), lane: Int(lanes[Int($0)])) }.sorted())
            }
        }
        self.view = View(
            base: base,
            lanes: Self.frozen(lanes),
            bounds: Self.frozen(bounds),
            text: Self.frozen(text),
            table: Self.frozen(table),
            mask: mask,
            lists: Self.frozen(lists),
            bitmaps: Self.frozen(bitmaps),
            words: words
        )
        self.byteCount = text.count + span * 5 + lists.count * 2 + bitmaps.count * 8 + table.count * 8
    }

    deinit {
        for buffer in [UnsafeRawBufferPointer(view.lanes), UnsafeRawBufferPointer(view.bounds), UnsafeRawBufferPointer(view.text)] {
            buffer.deallocate()
        }
        view.lists.deallocate()
        view.bitmaps.deallocate()
        view.table.deallocate()
    }

    /// A copy of `array` that lives until the chunk is freed.
    private static func frozen<T>(_ array: [T]) -> UnsafeBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: array.count)
        _ = buffer.initialize(from: array)
        return UnsafeBufferPointer(buffer)
    }

    /// A trigram key's slot in `table`, before probing (the key is a hash already; its high bits are mixed down).
    static func slot(_ key: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
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

extension NameChunk.View {
    /// Asks for the slot where a trigram's postings would be (``postings(of:)`` reads it soon).
    func askForSlot(of key: UInt64) {
        drs_prefetch_kept(table.baseAddress.unsafelyUnwrapped + 2 * NameChunk.slot(key, mask: mask))
    }

    /// A trigram's ``Postings/value``, or 0 when no name of the chunk holds it.
    func postings(of key: UInt64) -> UInt64 {
        var slot = NameChunk.slot(key, mask: mask)
        while true {
            let value = table[2 * slot + 1]
            if value == 0 || table[2 * slot] == key { return value }
            slot = (slot + 1) & mask
        }
    }

    /// Asks for a trigram's list (``appendCandidates(_:lane:chunk:to:)`` reads it soon); a bitmap is read in order,
    /// which the processor foresees by itself.
    func askForList(_ value: UInt64) {
        let postings = NameChunk.Postings(value: value)
        guard !postings.isBitmap, let start = lists.baseAddress?.advanced(by: postings.start) else { return }
        for offset in stride(from: 0, to: postings.count * 2, by: 64) { drs_prefetch_kept(UnsafeRawPointer(start) + offset) }
    }

    /// Appends to `search`'s candidates the chunk's tasks in `lane` whose name holds every one of a fragment's distinct
    /// trigrams, given their postings here (``postings(of:)``, none 0), in member order.
    func appendCandidates(_ values: UnsafeBufferPointer<UInt64>, lane: Int, chunk number: Int, to search: inout NameSearch) {
        precondition(!values.isEmpty, "a fragment of fewer than three characters has no trigram to look up")
        guard (0..<NameChunk.laneCapacity).contains(lane) else { return }
        search.listed.removeAll(keepingCapacity: true)
        search.mapped.removeAll(keepingCapacity: true)
        for value in values {
            let postings = NameChunk.Postings(value: value)
            if postings.isBitmap {
                search.mapped.append(postings.start)
                continue
            }
            // The lane's part of the list.
            let start = postings.start
            let end = start + postings.count
            let low = lowerBound(NameChunk.entry(member: 0, lane: lane), start, end)
            let high = lane + 1 == NameChunk.laneCapacity ? end : lowerBound(NameChunk.entry(member: 0, lane: lane + 1), low, end)
            guard low < high else { return }
            search.listed.append(low..<high)
        }
        let tag = UInt64(number) << 32
        if search.listed.isEmpty {
            // Every trigram is in many names: the candidates are the AND of their bitmaps, a word at a time, in the lane.
            let starts = search.mapped
            for index in 0..<words {
                var word = bitmaps[starts[0] + index]
                for other in 1..<starts.count { word &= bitmaps[starts[other] + index] }
                while word != 0 {
                    let member = index << 6 | word.trailingZeroBitCount
                    if Int(lanes[member]) == lane { search.candidates.append(tag | UInt64(member)) }
                    word &= word - 1
                }
            }
            return
        }
        // The rarest trigram's entries, kept when every other trigram's list (merged alongside: entries of one lane
        // compare as their members do) and bitmap holds them.
        search.listed.sort { $0.count < $1.count }
        // The search's buffers, borrowed (writing them through `search` would check their uniqueness at every step).
        var (cursors, ends, candidates) = ([Int](), [Int](), [UInt64]())
        swap(&cursors, &search.cursors)
        swap(&ends, &search.ends)
        swap(&candidates, &search.candidates)
        defer {
            swap(&cursors, &search.cursors)
            swap(&ends, &search.ends)
            swap(&candidates, &search.candidates)
        }
        cursors.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        for list in search.listed {
            cursors.append(list.lowerBound)
            ends.append(list.upperBound)
        }
        let others = cursors.count
        next: for position in search.listed[0] {
            let entry = lists[position]
            for other in 1..<others {
                let end = ends[other]
                var cursor = cursors[other]
                while cursor < end && lists[cursor] < entry { cursor += 1 }
                cursors[other] = cursor
                guard cursor < end else { break next }
                if lists[cursor] != entry { continue next }
            }
            let member = Int(entry) & (NameChunk.size - 1)
            let (word, bit) = (member >> 6, UInt64(member & 63))
            for start in search.mapped where bitmaps[start + word] & (1 << bit) == 0 { continue next }
            candidates.append(tag | UInt64(member))
        }
    }

    /// The first position in `lists[start..<end]` (sorted) whose entry is not below `entry`.
    private func lowerBound(_ entry: UInt16, _ start: Int, _ end: Int) -> Int {
        var (low, high) = (start, end)
        while low < high {
            let middle = (low + high) / 2
            if lists[middle] < entry { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
