/// The members of one chunk of a facet (``Facets``): ordinals `chunk << 16 ..< (chunk + 1) << 16`, kept as their low 16
/// bits, either as a sorted array (up to ``arrayLimit`` members: 2 bytes each) or as a 65,536-bit bitmap (8 KiB),
/// whichever is smaller, like a container of a Roaring bitmap.
enum BitChunk: Equatable, Sendable {
    case array([UInt16])
    case bitmap([UInt64])

    /// The most members an array holds; one more and the bitmap (8,192 bytes) is smaller. Arrays are thus never 8,192
    /// bytes long, which is how stored bytes tell the two apart.
    static let arrayLimit = 4_095
    static let words = 1_024
    static let bitmapBytes = words * 8

    /// The chunk of an ordinal, and its place in the chunk.
    static func split(_ ordinal: Int64) -> (chunk: Int64, low: UInt16) {
        (ordinal >> 16, UInt16(truncatingIfNeeded: ordinal))
    }

    /// The chunks of ordinals given in ascending order, without repeats.
    static func chunks(ofSorted ordinals: [Int64]) -> [Int64: BitChunk] {
        var chunks: [Int64: BitChunk] = [:]
        var start = 0
        while start < ordinals.count {
            let number = ordinals[start] >> 16
            var end = start
            while end < ordinals.count && ordinals[end] >> 16 == number { end += 1 }
            let members = ordinals[start..<end].map { UInt16(truncatingIfNeeded: $0) }
            chunks[number] = members.count <= arrayLimit ? .array(members) : .bitmap(BitChunk.array(members).words)
            start = end
        }
        return chunks
    }

    var cardinality: Int {
        switch self {
        case .array(let members): return members.count
        case .bitmap(let words): return words.reduce(0) { $0 + $1.nonzeroBitCount }
        }
    }

    // MARK: Bytes

    /// The stored form: little-endian 16-bit members, or the bitmap's 64-bit words little-endian.
    var bytes: [UInt8] {
        switch self {
        case .array(let members): return members.withUnsafeBytes { Self.littleEndian($0, width: 2) }
        case .bitmap(let words): return words.withUnsafeBytes { Self.littleEndian($0, width: 8) }
        }
    }

    /// Bytes of values `width` bytes wide in the machine's order, in little-endian order.
    private static func littleEndian(_ raw: UnsafeRawBufferPointer, width: Int) -> [UInt8] {
        var bytes = Array(raw)
        if UInt16(littleEndian: 1) != 1 {
            for start in stride(from: 0, to: bytes.count, by: width) { bytes[start..<(start + width)].reverse() }
        }
        return bytes
    }

    /// The chunk stored as `bytes`, or nil when they are no chunk's.
    init?(bytes: UnsafeRawBufferPointer) {
        if bytes.count == Self.bitmapBytes {
            self = .bitmap(
                [UInt64](unsafeUninitializedCapacity: Self.words) { words, count in
                    for index in 0..<Self.words {
                        words[index] = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
                    }
                    count = Self.words
                }
            )
        } else if bytes.count % 2 == 0, bytes.count / 2 <= Self.arrayLimit {
            let members = bytes.count / 2
            self = .array(
                [UInt16](unsafeUninitializedCapacity: members) { buffer, count in
                    for index in 0..<members { buffer[index] = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)) }
                    count = members
                }
            )
        } else {
            return nil
        }
    }

    init?(bytes: [UInt8]) {
        guard let chunk = bytes.withUnsafeBytes({ BitChunk(bytes: $0) }) else { return nil }
        self = chunk
    }

    // MARK: Changes

    /// The chunk as a bitmap's words.
    var words: [UInt64] {
        switch self {
        case .bitmap(let words): return words
        case .array(let members):
            var words = [UInt64](repeating: 0, count: Self.words)
            for member in members { words[Int(member >> 6)] |= 1 << UInt64(member & 63) }
            return words
        }
    }

    /// The smaller form of the members of `words`, or nil when there are none.
    static func normalized(_ words: [UInt64]) -> BitChunk? {
        let count = words.reduce(0) { $0 + $1.nonzeroBitCount }
        if count == 0 { return nil }
        guard count <= arrayLimit else { return .bitmap(words) }
        var members: [UInt16] = []
        members.reserveCapacity(count)
        for (index, word) in words.enumerated() where word != 0 {
            var rest = word
            while rest != 0 {
                members.append(UInt16(index << 6 | rest.trailingZeroBitCount))
                rest &= rest - 1
            }
        }
        return .array(members)
    }

    /// `chunk` (nil: empty) after `changes`, applied in order: each sets (`true`) or clears a member. Nil when empty.
    static func applying(_ changes: [FacetChange], to chunk: BitChunk?) -> BitChunk? {
        // Small chunks as sets of members (most chunks of most facets are small).
        let members: [UInt16]? =
            switch chunk {
            case nil: []
            case .array(let members): members
            case .bitmap: nil
            }
        if let members, members.count + changes.count <= arrayLimit {
            if changes.count <= 32 {
                // A few changes (a task's status moving): binary-search each in the sorted members.
                var sorted = members
                for change in changes {
                    let index = insertionIndex(of: change.low, in: sorted)
                    let present = index < sorted.count && sorted[index] == change.low
                    if change.set && !present { sorted.insert(change.low, at: index) }
                    if !change.set && present { sorted.remove(at: index) }
                }
                return sorted.isEmpty ? nil : .array(sorted)
            }
            var set = Set(members)
            for change in changes {
                if change.set { set.insert(change.low) } else { set.remove(change.low) }
            }
            return set.isEmpty ? nil : .array(set.sorted())
        }
        var words = chunk?.words ?? [UInt64](repeating: 0, count: Self.words)
        for change in changes {
            let mask = UInt64(1) << UInt64(change.low & 63)
            if change.set { words[Int(change.low >> 6)] |= mask } else { words[Int(change.low >> 6)] &= ~mask }
        }
        return normalized(words)
    }

    /// Where `value` is, or would go, in ascending `members`.
    static func insertionIndex(of value: UInt16, in members: [UInt16]) -> Int {
        var low = 0
        var high = members.count
        while low < high {
            let middle = (low + high) / 2
            if members[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The members of either chunk.
    static func union(_ a: BitChunk, _ b: BitChunk) -> BitChunk {
        if case .array(let x) = a, case .array(let y) = b, x.count + y.count <= arrayLimit {
            return .array(mergedUnion(x, y))
        }
        var words = a.words
        switch b {
        case .bitmap(let other):
            words.withUnsafeMutableBufferPointer { words in
                other.withUnsafeBufferPointer { other in for index in 0..<Self.words { words[index] |= other[index] } }
            }
        case .array(let members):
            words.withUnsafeMutableBufferPointer { words in
                for member in members { words[Int(member >> 6)] |= 1 << UInt64(member & 63) }
            }
        }
        return normalized(words) ?? .array([])
    }

    /// The members of two sorted arrays, sorted, each once.
    private static func mergedUnion(_ x: [UInt16], _ y: [UInt16]) -> [UInt16] {
        var result: [UInt16] = []
        result.reserveCapacity(x.count + y.count)
        var (i, j) = (0, 0)
        while i < x.count, j < y.count {
            if x[i] < y[j] {
                result.append(x[i])
                i += 1
            } else if y[j] < x[i] {
                result.append(y[j])
                j += 1
            } else {
                result.append(x[i])
                i += 1
                j += 1
            }
        }
        result.append(contentsOf: x[i...])
        result.append(contentsOf: y[j...])
        return result
    }

    /// How many members every chunk of `chunks` has in common: the smallest array's members kept while every other
    /// chunk has them (a bit test, or a merge with another array), or the bitmaps' words ANDed and counted.
    static func intersectionCount(_ chunks: [BitChunk]) -> Int {
        guard let first = chunks.first else { return 0 }
        if chunks.count == 1 { return first.cardinality }
        var smallest: (index: Int, members: [UInt16])?
        for (index, chunk) in chunks.enumerated() {
            if case .array(let members) = chunk, members.count < smallest?.members.count ?? Int.max { smallest = (index, members) }
        }
        if let smallest {
            var candidates = smallest.members
            let others = chunks.indices.filter { $0 != smallest.index }
            for (step, other) in others.enumerated() {
                switch chunks[other] {
                case .array(let members): candidates = mergedIntersection(candidates, members)
                case .bitmap(let words):
                    let isLast = step == others.count - 1
                    let kept: (count: Int, members: [UInt16]) = words.withUnsafeBufferPointer { words in
                        func has(_ member: UInt16) -> Bool { words[Int(member >> 6)] & (1 << UInt64(member & 63)) != 0 }
                        // The last chunk only counts, without a branch per member (about half of them are found in a
                        // broad facet's bitmap, which no branch predictor guesses).
                        if isLast {
                            var found = 0
                            for member in candidates { found &+= Int(truncatingIfNeeded: words[Int(member >> 6)] >> UInt64(member & 63) & 1) }
                            return (found, [])
                        }
                        let members = candidates.filter(has)
                        return (members.count, members)
                    }
                    if isLast { return kept.count }
                    candidates = kept.members
                }
                if candidates.isEmpty { return 0 }
            }
            return candidates.count
        }
        // Bitmaps only.
        var words = first.words
        return words.withUnsafeMutableBufferPointer { words in
            for chunk in chunks.dropFirst() {
                guard case .bitmap(let other) = chunk else { continue }
                other.withUnsafeBufferPointer { other in for index in 0..<Self.words { words[index] &= other[index] } }
            }
            var total = 0
            for word in words { total += word.nonzeroBitCount }
            return total
        }
    }

    /// The members of two sorted arrays that are in both.
    private static func mergedIntersection(_ x: [UInt16], _ y: [UInt16]) -> [UInt16] {
        var result: [UInt16] = []
        result.reserveCapacity(min(x.count, y.count))
        var (i, j) = (0, 0)
        while i < x.count, j < y.count {
            if x[i] < y[j] {
                i += 1
            } else if y[j] < x[i] {
                j += 1
            } else {
                result.append(x[i])
                i += 1
                j += 1
            }
        }
        return result
    }

    func contains(_ member: UInt16) -> Bool {
        switch self {
        case .bitmap(let words): return words[Int(member >> 6)] & (1 << UInt64(member & 63)) != 0
        case .array(let members):
            var low = 0
            var high = members.count
            while low < high {
                let middle = (low + high) / 2
                if members[middle] < member { low = middle + 1 } else { high = middle }
            }
            return low < members.count && members[low] == member
        }
    }
}

/// One change to a chunk: a member set or cleared.
struct FacetChange: Sendable {
    var low: UInt16
    var set: Bool
}
