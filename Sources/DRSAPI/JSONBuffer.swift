import NIOCore

extension ByteBuffer {
    /// Writes `string` as a JSON string literal (quotes included), escaping what RFC 8259 requires.
    mutating func writeJSONString(_ string: String) {
        var string = string
        string.withUTF8 { writeJSONString(UnsafeRawBufferPointer($0)) }
    }

    /// Writes UTF-8 bytes as a JSON string literal (quotes included), escaping what RFC 8259 requires. Runs of bytes
    /// that need no escape are copied whole.
    mutating func writeJSONString(_ bytes: UnsafeRawBufferPointer) {
        writeInteger(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""): writeStaticString("\\\"")
            case UInt8(ascii: "\\"): writeStaticString("\\\\")
            case 0x0A: writeStaticString("\\n")
            case 0x0D: writeStaticString("\\r")
            case 0x09: writeStaticString("\\t")
            case 0x08: writeStaticString("\\b")
            case 0x0C: writeStaticString("\\f")
            default:
                writeStaticString("\\u00")
                writeInteger(Self.hexDigits[Int(byte >> 4)])
                writeInteger(Self.hexDigits[Int(byte & 0x0F)])
            }
        }
        writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart...]))
        writeInteger(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    mutating func writeJSONBool(_ value: Bool) {
        writeStaticString(value ? "true" : "false")
    }
}
