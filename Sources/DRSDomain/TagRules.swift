/// The tag rules shared by the query's `tags` filter and the import format.
public enum TagRules {
    public static let maxPairs = 10
    public static let maxKeyLength = 128
    public static let maxValueLength = 255

    /// Parses `{key: value}` or `[{"key": …, "value": …}]`. A missing or null value is `""`.
    /// Errors: duplicate key `DRS.M00269`; key or value too long `DRS.M00270`; anything else `DRS.M00202`.
    public static func parse(_ value: JSONValue, field: String) throws(APIError) -> [(key: String, value: String)] {
        var raw: [(key: JSONValue, value: JSONValue?)] = []
        switch value {
        case .object(let members):
            raw = members.map { (JSONValue.string($0.key), $0.value) }
        case .array(let elements):
            for element in elements {
                guard let members = element.objectMembers else { throw .invalid(field) }
                let fields = Fields(members)
                let key: JSONValue?
                let value: JSONValue?
                do {
                    key = try fields.value("key")
                    value = try fields.value("value")
                } catch {
                    throw .invalid(field)
                }
                guard let key else { throw .invalid(field) }
                raw.append((key, value))
            }
        default:
            throw .invalid(field)
        }
        guard raw.count <= maxPairs else { throw .invalid(field) }
        var seen = Set<String>()
        var pairs: [(key: String, value: String)] = []
        for (keyValue, valueValue) in raw {
            guard case .string(let key) = keyValue, !key.isEmpty else { throw .invalid(field) }
            let text: String
            switch valueValue {
            case .none, .some(.null): text = ""
            case .some(.string(let string)): text = string
            default: throw .invalid(field)
            }
            guard key.unicodeScalars.count <= maxKeyLength, text.unicodeScalars.count <= maxValueLength else {
                throw APIError(.tagTooLong)
            }
            guard seen.insert(key).inserted else { throw APIError(.tagKeyNotUnique) }
            pairs.append((key, text))
        }
        return pairs
    }
}
