import DRSDomain
import NIOCore

/// Writes JSON into memory that the caller made large enough (see ``ByteBuffer/writeRawJSON(atMost:_:)``): no capacity
/// or ownership checks per value, which is most of what a `ByteBuffer` write costs for values this small.
struct RawJSON {
    private(set) var cursor: UnsafeMutableRawPointer

    init(_ start: UnsafeMutableRawPointer) {
        cursor = start
    }

    @inline(__always) mutating func raw(_ text: StaticString) {
        cursor.copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        cursor += text.utf8CodeUnitCount
    }

    @inline(__always) mutating func raw(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        cursor.copyMemory(from: base, byteCount: bytes.count)
        cursor += bytes.count
    }

    @inline(__always) mutating func byte(_ byte: UInt8) {
        cursor.storeBytes(of: byte, as: UInt8.self)
        cursor += 1
    }

    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// The most bytes ``string(_:)`` writes for `count` bytes of text (every byte as `\u00XX`, and the quotes).
    static func stringBound(_ count: Int) -> Int { 6 * count + 2 }

    /// A JSON string literal of UTF-8 bytes, escaping what RFC 8259 requires. Eight bytes at a time are checked for
    /// anything to escape; text without any (nearly all) is copied whole.
    mutating func string(_ bytes: UnsafeRawBufferPointer) {
        byte(UInt8(ascii: "\""))
        if !Self.mayNeedEscape(bytes) {
            raw(bytes)
        } else {
            for byte in bytes { escaped(byte) }
        }
        byte(UInt8(ascii: "\""))
    }

    @inline(__always) private mutating func escaped(_ value: UInt8) {
        switch value {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        case 0..<0x20:
            raw("\\u00")
            byte(Self.hex[Int(value >> 4)])
            byte(Self.hex[Int(value & 0x0F)])
        default: byte(value)
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether any byte is a control character, `"` or `\` (it may also say yes for other bytes: then they are checked
    /// one by one).
    static func mayNeedEscape(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func zeroByte(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & highs }
        var index = 0
        while index + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            // Bytes below 0x20 (with their high bit clear), or equal to 0x22 or 0x5C.
            if ((word &- 0x2020_2020_2020_2020) & ~word & highs) | zeroByte(word ^ 0x2222_2222_2222_2222) | zeroByte(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                != 0
            {
                return true
            }
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return true }
            index += 1
        }
        return false
    }

    /// `"yyyy-MM-dd HH:mm:ss"` (21 bytes).
    mutating func createTime(_ milliseconds: Int64) {
        let time = Timestamp.Fields(milliseconds: milliseconds)
        byte(UInt8(ascii: "\""))
        digits(time.year, 4)
        byte(UInt8(ascii: "-"))
        digits(time.month, 2)
        byte(UInt8(ascii: "-"))
        digits(time.day, 2)
        byte(UInt8(ascii: " "))
        digits(time.hour, 2)
        byte(UInt8(ascii: ":"))
        digits(time.minute, 2)
        byte(UInt8(ascii: ":"))
        digits(time.second, 2)
        byte(UInt8(ascii: "\""))
    }

    /// `value` in exactly `width` decimal digits.
    @inline(__always) private mutating func digits(_ value: Int, _ width: Int) {
        var value = value
        for index in stride(from: width - 1, through: 0, by: -1) {
            cursor.storeBytes(of: UInt8(ascii: "0") + UInt8(value % 10), toByteOffset: index, as: UInt8.self)
            value /= 10
        }
        cursor += width
    }
}

extension ByteBuffer {
    /// Runs `body` on raw memory of at least `bound` bytes at the buffer's end, and keeps what it wrote.
    mutating func writeRawJSON(atMost bound: Int, _ body: (inout RawJSON) throws -> Void) rethrows {
        try writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { memory in
            var writer = RawJSON(memory.baseAddress!)
            try body(&writer)
            let written = writer.cursor - memory.baseAddress!
            precondition(written <= bound, "a JSON bound was too small")
            return written
        }
    }
}

/// Byte strings written once and kept for the life of the process (catalogue spellings, `job_action` objects).
final class ByteTable: Sendable {
    nonisolated(unsafe) private let base: UnsafeMutableRawPointer
    private let ranges: [Range<Int>]
    /// The longest entry.
    let longest: Int

    init(_ entries: [[UInt8]]) {
        let total = entries.reduce(0) { $0 + $1.count }
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 1)
        self.base = base
        var ranges: [Range<Int>] = []
        var offset = 0
        for entry in entries {
            entry.withUnsafeBytes { (base + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            ranges.append(offset..<(offset + entry.count))
            offset += entry.count
        }
        self.ranges = ranges
        self.longest = entries.map(\.count).max() ?? 0
    }

    var count: Int { ranges.count }

    /// Entry `index`; nil when there is none.
    func bytes(_ index: Int) -> UnsafeRawBufferPointer? {
        guard ranges.indices.contains(index) else { return nil }
        let range = ranges[index]
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}
