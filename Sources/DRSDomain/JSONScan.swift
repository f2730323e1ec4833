/// Finds where the elements of one array member of a JSON object begin and end, without building anything: so a large
/// import document can be parsed in pieces, in parallel. It trusts the document's syntax only as far as it needs to;
/// whatever it accepts is then parsed strictly, piece by piece, and a document it or the parser refuses is parsed whole
/// again, for an exact error.
enum JSONScan {
    /// The byte ranges of the elements of the array that is the value of the last member `name` of the top-level object,
    /// or nil when the document does not look like such an object.
    static func elements(ofMember name: String, in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var scanner = Scanner(bytes: bytes)
        let key = Array(name.utf8)
        var found: [Range<Int>]?
        scanner.skipWhitespace()
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        scanner.skipWhitespace()
        if scanner.take(UInt8(ascii: "}")) { return nil }
        while true {
            scanner.skipWhitespace()
            guard let member = scanner.plainString() else { return nil }
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ":")) else { return nil }
            scanner.skipWhitespace()
            if bytes[member].elementsEqual(key) {
                guard let elements = scanner.arrayElements() else { return nil }
                found = elements
            } else {
                guard scanner.skipValue() else { return nil }
            }
            scanner.skipWhitespace()
            if scanner.take(UInt8(ascii: ",")) { continue }
            guard scanner.take(UInt8(ascii: "}")) else { return nil }
            break
        }
        scanner.skipWhitespace()
        return scanner.index == bytes.count ? found : nil
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// The range of a string's contents when it has no escapes (member names), else nil.
        mutating func plainString() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") { return nil }
                index += 1
            }
            guard index < bytes.count else { return nil }
            index += 1
            return start..<(index - 1)
        }

        /// Skips a string, escapes included.
        mutating func skipString() -> Bool {
            guard take(UInt8(ascii: "\"")) else { return false }
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index += 1
                    return true
                case UInt8(ascii: "\\"): index += 2
                default: index += 1
                }
            }
            return false
        }

        /// Skips one value of any kind.
        mutating func skipValue() -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""):
                        guard skipString() else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return true
                        }
                    default: break
                    }
                    index += 1
                }
                return false
            default:
                // A number or a literal: up to the next delimiter.
                let start = index
                while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) {
                    index += 1
                }
                return index > start
            }
        }

        /// The ranges of an array's elements.
        mutating func arrayElements() -> [Range<Int>]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var elements: [Range<Int>] = []
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return elements }
            while true {
                skipWhitespace()
                let start = index
                guard skipValue() else { return nil }
                elements.append(start..<index)
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "]")) else { return nil }
                return elements
            }
        }
    }
}

/// Requests whose strings hold U+0000 are refused whole (400 `DRS.M00007`) on both databases: PostgreSQL cannot store
/// or compare that character in text, and SQLite would answer them differently.
public enum JSONNUL {
    /// Whether a JSON text holds the escape `\u0000`. Outside strings JSON has no backslash,
    /// and a raw NUL byte is not valid JSON at all (the parser refuses it).
    public static func isEscaped(in bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            guard bytes[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            guard index + 1 < count else { return false }
            if bytes[index + 1] == UInt8(ascii: "u"), index + 5 < count,
                bytes[index + 2] == UInt8(ascii: "0"), bytes[index + 3] == UInt8(ascii: "0"),
                bytes[index + 4] == UInt8(ascii: "0"), bytes[index + 5] == UInt8(ascii: "0")
            {
                return true
            }
            // Past the escaped character: `\\` must not start another escape.
            index += 2
        }
        return false
    }

    public static func isEscaped(in bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { isEscaped(in: $0) }
    }
}
