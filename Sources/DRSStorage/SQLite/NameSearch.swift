import CDRSSQLiteConfig

/// One name search over a tenant's chunks of names (``NameChunk``): first every chunk's candidates (the tasks of the
/// lane whose names hold all of the fragment's trigrams), then their names checked for the fragment in one pass.
///
/// A large tenant's names do not fit in the processor's caches, and the candidates' names are far apart: the pass asks
/// for each candidate's bounds ``ahead`` times two candidates before it checks it, and for its record ``ahead``
/// candidates before, so that the reads from memory overlap, also across chunks (a rare fragment has fewer candidates
/// per chunk than that: W3 at 1,000,000 tasks about twelve). A match's ordinal is its chunk's base plus its member
/// number, and its key is read from just before its name.
struct NameSearch {
    /// A chunk's lists that hold all of the fragment's trigrams (positions in its `lists`), its bitmaps (starts).
    var listed: [Range<Int>] = []
    var mapped: [Int] = []
    /// Per list: where the merge is, and where the list ends.
    var cursors: [Int] = []
    var ends: [Int] = []
    /// Per candidate: its chunk's position in the search (the high 32 bits) and its member number.
    var candidates: [UInt64] = []

    /// Candidates a record is asked for ahead of its check.
    static let ahead = 16

    /// The tasks in `lane` whose folded name contains `needle` (the UTF-8 of a folded fragment of three or more
    /// characters), in the order of `chunks` (ordinal order) and of their members.
    /// The caller holds the chunks of `chunks` (``NameChunk/view``) meanwhile.
    static func matches(of needle: [UInt8], lane: Int, in chunks: [NameChunk.View]) -> NameMatches {
        let grams = NameChunk.gramKeys(of: needle)
        let count = grams.count
        // Every chunk's slots of the trigrams are asked for from memory first, then read, and the lists they point to
        // asked for; only then is any list read (a large tenant's chunks are far apart and not in the caches).
        for chunk in chunks { for key in grams { chunk.askForSlot(of: key) } }
        var values = [UInt64](repeating: 0, count: chunks.count * count)
        var held = [Bool](repeating: true, count: chunks.count)
        for (number, chunk) in chunks.enumerated() {
            for index in 0..<count {
                let value = chunk.postings(of: grams[index])
                values[number * count + index] = value
                if value == 0 { held[number] = false }
            }
            if held[number] { for index in 0..<count { chunk.askForList(values[number * count + index]) } }
        }
        var search = NameSearch()
        values.withUnsafeBufferPointer { values in
            for (number, chunk) in chunks.enumerated() where held[number] {
                let own = UnsafeBufferPointer(rebasing: values[(number * count)..<((number + 1) * count)])
                chunk.appendCandidates(own, lane: lane, chunk: number, to: &search)
            }
        }
        return search.check(needle, chunks)
    }

    /// The candidates whose name contains `needle`.
    private func check(_ needle: [UInt8], _ chunks: [NameChunk.View]) -> NameMatches {
        var matches = NameMatches()
        let candidates = self.candidates
        let count = candidates.count
        let ahead = Self.ahead
        // A candidate's chunk has its records, and a member's bounds are followed by the next member's.
        func place(_ candidate: UInt64) -> (chunk: NameChunk.View, bounds: UnsafePointer<Int32>, text: UnsafePointer<UInt8>, member: Int) {
            let chunk = chunks[Int(candidate >> 32)]
            return (chunk, chunk.bounds.baseAddress.unsafelyUnwrapped, chunk.text.baseAddress.unsafelyUnwrapped, Int(candidate & 0xFFFF_FFFF))
        }
        func askForBounds(_ number: Int) {
            let (_, bounds, _, member) = place(candidates[number])
            drs_prefetch_kept(bounds + member)
        }
        func askForRecord(_ number: Int) {
            let (_, bounds, text, member) = place(candidates[number])
            drs_prefetch(text + Int(bounds[member]))
            drs_prefetch(text + Int(bounds[member + 1]) - 1)
        }
        for number in 0..<min(2 * ahead, count) { askForBounds(number) }
        for number in 0..<min(ahead, count) { askForRecord(number) }
        needle.withUnsafeBufferPointer { needle in
            for number in 0..<count {
                if number + 2 * ahead < count { askForBounds(number + 2 * ahead) }
                if number + ahead < count { askForRecord(number + ahead) }
                let (chunk, bounds, text, member) = place(candidates[number])
                let record = Int(bounds[member])
                let name = UnsafeBufferPointer(start: text + record + 8, count: Int(bounds[member + 1]) - record - 8)
                if NameChunk.contains(name, needle) {
                    matches.ordinals.append(chunk.base + Int64(member))
                    matches.keys.append(Int64(littleEndian: UnsafeRawPointer(text + record).loadUnaligned(as: Int64.self)))
                }
            }
        }
        return matches
    }
}
