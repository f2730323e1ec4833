/// The `tags` of create and modify (`lifecycle.md` §6.1): at most 20, key 1–36 and value 0–43 characters of letters,
/// digits, `_` and `-`, keys unique; the reserved key `drs-fault` arms a fault (§7) and is not kept.
public enum LifecycleTags {
    public static let maxTags = 20
    public static let maxKeyLength = 36
    public static let maxValueLength = 43
    public static let faultKey = "drs-fault"

    /// The tags to keep and the fault the reserved tag asks for (`allowFault` false: the reserved key is refused).
    public static func parse(_ value: JSONValue, field: String, allowFault: Bool) throws(APIError) -> (tags: [JobRecord.Tag], fault: FaultStep?) {
        guard case .array(let items) = value else { throw .invalid(field) }
        guard items.count <= maxTags else { throw APIError(.tooManyTags) }
        var tags: [JobRecord.Tag] = []
        var fault: FaultStep?
        var seen = Set<String>()
        for item in items {
            guard let members = item.objectMembers else { throw .invalid(field) }
            let fields = try PathFields(.object(members), path: field)
            guard case .string(let key)? = try fields.value("key") else { throw .invalid(field) }
            let text: String
            switch try fields.value("value") {
            case .none: text = ""
            case .string(let string)?: text = string
            default: throw .invalid(field)
            }
            guard key.count <= maxKeyLength, text.count <= maxValueLength else { throw APIError(.tagTooLong) }
            guard !key.isEmpty, isTagText(key), isTagText(text) else { throw .invalid(field) }
            guard seen.insert(key).inserted else { throw APIError(.tagKeyNotUnique) }
            if key == faultKey {
                guard allowFault, let step = FaultStep(rawValue: text) else { throw .invalid(field) }
                fault = step
            } else {
                tags.append(JobRecord.Tag(key: key, value: text))
            }
        }
        return (tags, fault)
    }

    /// Letters of any script, digits, `_` and `-`.
    static func isTagText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }
}
