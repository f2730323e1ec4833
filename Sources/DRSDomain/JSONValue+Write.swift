/// Writing a ``JSONValue`` back out: members in their order (the wire order of an answer), numbers as their literal
/// text, strings escaped as RFC 8259 requires.
extension JSONValue {
    /// The document as compact JSON text.
    public var text: String {
        var out: [UInt8] = []
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let value): out += Array((value ? "true" : "false").utf8)
        case .number(let literal): out += Array(literal.utf8)
        case .string(let string): Self.writeString(string, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// An integer as a JSON number.
    public static func int(_ value: some BinaryInteger) -> JSONValue { .number(String(value)) }

    /// The value of an object's member, or nil.
    public subscript(key: String) -> JSONValue? {
        objectMembers?.first { $0.key == key }?.value
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
}

/// Builds an object member by member; `nil` values are left out.
public struct JSONObjectBuilder: Sendable {
    public private(set) var members: [(key: String, value: JSONValue)] = []

    public init() {}

    public mutating func add(_ key: String, _ value: JSONValue?) {
        guard let value else { return }
        members.append((key, value))
    }

    public mutating func add(_ key: String, _ value: String?) { add(key, value.map(JSONValue.string)) }
    public mutating func add(_ key: String, _ value: Bool?) { add(key, value.map(JSONValue.bool)) }
    public mutating func add(_ key: String, _ value: Int?) { add(key, value.map { JSONValue.int($0) }) }
    public mutating func add(_ key: String, _ value: Int64?) { add(key, value.map { JSONValue.int($0) }) }

    public var value: JSONValue { .object(members) }
}
