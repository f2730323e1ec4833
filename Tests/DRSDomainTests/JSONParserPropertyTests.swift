import DRSDomain
import Foundation
import Testing

/// Properties of ``JSONParser`` over generated inputs, in place of a libFuzzer run: each property runs for its share
/// of DRS_FUZZ_SECONDS (default 3 s for the three together; CI gives more) and at least 100 cases, from a generator
/// seeded with DRS_FUZZ_SEED (default below). A failure names the seed and the case number: the same seed replays
/// the same cases in the same order.
///
/// The cases run on a thread of their own, one property at a time: a long run on Swift's cooperative threads (two on
/// two cores) would starve every other test of the run that waits on a timer.
@Suite(.serialized) struct JSONParserPropertyTests {
    /// Random bytes and mutated documents never crash the parser: it accepts them or throws a ``JSONParseError``
    /// whose offset lies within the input, and what it accepts it reads back the same from its canonical form.
    @Test func survivesRandomAndMutatedInput() async {
        await fuzz(stream: 1) { generator in
            let input: [UInt8]
            if generator.chance(1, in: 4) {
                input = generator.randomBytes()
            } else {
                let document = generator.document()
                let donor = generator.document()
                input = generator.mutate(document, donor: donor)
            }
            let shown = String(decoding: input, as: UTF8.self).debugDescription
            switch outcome(input) {
            case .failure(let error) where !(0...input.count).contains(error.offset):
                return "offset \(error.offset) outside the \(input.count) bytes of \(shown)"
            case .failure: return nil
            case .success(let value):
                let again = outcome(generator.write(value, canonical: true))
                return again == .success(value) ? nil : "\(shown) parsed as \(value), its canonical form as \(again)"
            }
        }
    }

    /// Generated values, written with random whitespace and escapes, parse back to the same value, scalar for scalar.
    @Test func readsBackWhatItIsGiven() async {
        await fuzz(stream: 2) { generator in
            let value = generator.chance(1, in: 20) ? generator.deep() : generator.value()
            let text = generator.write(value, canonical: true)
            let written = generator.write(value, canonical: false)
            let shown = String(decoding: written, as: UTF8.self).debugDescription
            switch outcome(written) {
            case .failure(let error): return "\(shown) rejected at byte \(error.offset): \(error.reason)"
            case .success(let parsed):
                let same = parsed == value && generator.write(parsed, canonical: true) == text
                return same ? nil : "\(shown) parsed as \(parsed)"
            }
        }
    }

    /// A known-invalid fragment at any value position of a valid document makes the whole document invalid.
    @Test func rejectsInvalidFragmentsAnywhere() async {
        await fuzz(stream: 3) { generator in
            let fragment = generator.invalidFragment()
            let value = generator.value()
            let planted = generator.plant(fragment, in: value)
            let document = generator.write(planted, canonical: false)
            guard case .success = outcome(document) else { return nil }
            return "accepted \(fragment.debugDescription) in \(String(decoding: document, as: UTF8.self).debugDescription)"
        }
    }
}

private enum Fuzz {
    static let environment = ProcessInfo.processInfo.environment
    static let seed: UInt64 = environment["DRS_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_251_129
    /// One property's share of the budget.
    static let seconds: Double = (environment["DRS_FUZZ_SECONDS"].flatMap { Double($0) } ?? 3) / 3
}

/// Runs `check` on generated cases until the property's time is up, on a thread of its own, and records the first
/// failure it reports.
private func fuzz(stream: UInt64, _ check: @escaping @Sendable (inout Generator) -> String?) async {
    let failure: String? = await withCheckedContinuation { continuation in
        let thread = Thread {
            var generator = Generator(seed: Fuzz.seed, stream: stream)
            let deadline = ContinuousClock.now + .seconds(Fuzz.seconds)
            var cases = 0
            while cases < 100 || ContinuousClock.now < deadline {
                cases += 1
                if let failure = check(&generator) {
                    return continuation.resume(returning: "DRS_FUZZ_SEED=\(Fuzz.seed), case \(cases): \(failure)")
                }
            }
            continuation.resume(returning: nil)
        }
        thread.start()
    }
    if let failure { Issue.record(Comment(rawValue: failure)) }
}

private func outcome(_ bytes: [UInt8]) -> Result<JSONValue, JSONParseError> {
    do throws(JSONParseError) {
        return .success(try JSONParser.parse(bytes))
    } catch {
        return .failure(error)
    }
}

/// SplitMix64, as DRSTestSupport's SeededRandom (which this target does not link): the same sequence for a seed everywhere.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generates JSON values, writes them as text, and breaks documents, all from one seeded random sequence.
private struct Generator {
    static let digitCharacters = Array("0123456789")
    static let whitespace: [Character] = [" ", "\t", "\n", "\r"]
    static let jsonBytes = Array("{}[]\",:-+.eE0123456789\\/bfnrtu ".utf8)
    static let shortEscapes: [Unicode.Scalar: String] = [
        "\"": #"\""#, "\\": #"\\"#, "/": #"\/"#, "\u{8}": #"\b"#, "\u{C}": #"\f"#, "\n": #"\n"#, "\r": #"\r"#, "\t": #"\t"#,
    ]
    /// Where string scalars come from: mostly printable ASCII, then the characters JSON escapes, control characters,
    /// the rest of the Basic Multilingual Plane around the surrogates, and the supplementary planes (surrogate pairs).
    static let scalarRanges: [ClosedRange<UInt32>] = [
        0x20...0x7E, 0x20...0x7E, 0x22...0x22, 0x5C...0x5C, 0x2F...0x2F, 0x00...0x1F, 0x7F...0xD7FF, 0xE000...0xFFFF,
        0x1_0000...0x10_FFFF,
    ]

    var rng: SplitMix64

    init(seed: UInt64, stream: UInt64) { rng = SplitMix64(state: seed ^ (stream &* 0xD1B5_4A32_D192_ED03)) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    mutating func chance(_ count: Int, in total: Int) -> Bool { int(1...total) <= count }

    mutating func pick<Element>(_ items: [Element]) -> Element { items[int(0...items.count - 1)] }

    // MARK: Values

    /// A value whose containers nest at most 4 deep, so that its scalars sit at depth 4 or less.
    mutating func value(depth: Int = 0) -> JSONValue {
        switch int(0...(depth < 4 ? 5 : 3)) {
        case 0: return .null
        case 1: return .bool(chance(1, in: 2))
        case 2: return .number(number())
        case 3: return .string(string())
        case 4: return .array((0..<int(0...4)).map { _ in value(depth: depth + 1) })
        default:
            var members: [(key: String, value: JSONValue)] = []
            for _ in 0..<int(0...4) { members.append((key: string(), value: value(depth: depth + 1))) }
            return .object(members)
        }
    }

    /// A value inside up to 60 arrays: at most 64 levels, the parser's default limit.
    mutating func deep() -> JSONValue {
        var nested = value()
        for _ in 0..<int(1...60) { nested = .array([nested]) }
        return nested
    }

    /// Every form RFC 8259 allows: a sign, zero or a multi-digit integer, a fraction, an exponent with or without sign.
    mutating func number() -> String {
        var text = chance(1, in: 3) ? "-" : ""
        text += chance(1, in: 4) ? "0" : String(int(1...9)) + digits(0...12)
        if chance(1, in: 3) { text += "." + digits(1...12) }
        if chance(1, in: 3) {
            let marker: String = pick(["e", "E"])
            let sign: String = pick(["", "+", "-"])
            text += marker + sign + digits(1...4)
        }
        return text
    }

    mutating func digits(_ count: ClosedRange<Int>) -> String { String((0..<int(count)).map { _ in pick(Self.digitCharacters) }) }

    mutating func string() -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<int(0...8) {
            let range = pick(Self.scalarRanges)
            scalars.append(Unicode.Scalar(UInt32.random(in: range, using: &rng)) ?? "?")
        }
        return String(scalars)
    }

    // MARK: Writing

    mutating func document() -> [UInt8] {
        let generated = chance(1, in: 20) ? deep() : value()
        return write(generated, canonical: false)
    }

    /// The canonical form has no whitespace and writes every string scalar but printable ASCII as `\uXXXX`, so that
    /// two values have the same canonical form only if they hold the same scalars; the other form picks whitespace
    /// and escapes at random.
    mutating func write(_ value: JSONValue, canonical: Bool) -> [UInt8] {
        var out = space(canonical)
        write(value, canonical: canonical, into: &out)
        out += space(canonical)
        return Array(out.utf8)
    }

    mutating func write(_ value: JSONValue, canonical: Bool, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let text): out += text
        case .string(let text): write(string: text, canonical: canonical, into: &out)
        case .array(let elements):
            out += "[" + space(canonical)
            for (index, element) in elements.enumerated() {
                out += (index > 0 ? "," + space(canonical) : "")
                write(element, canonical: canonical, into: &out)
                out += space(canonical)
            }
            out += "]"
        case .object(let members):
            out += "{" + space(canonical)
            for (index, member) in members.enumerated() {
                out += (index > 0 ? "," + space(canonical) : "")
                write(string: member.key, canonical: canonical, into: &out)
                out += space(canonical) + ":" + space(canonical)
                write(member.value, canonical: canonical, into: &out)
                out += space(canonical)
            }
            out += "}"
        }
    }

    mutating func write(string: String, canonical: Bool, into out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            let mustEscape = scalar == "\"" || scalar == "\\" || scalar.value < 0x20
            let escape = canonical ? (mustEscape || scalar.value > 0x7E) : (mustEscape || chance(1, in: 4))
            if escape {
                if !canonical, chance(1, in: 2), let short = Self.shortEscapes[scalar] {
                    out += short
                } else {
                    let uppercase = canonical || chance(1, in: 2)
                    for unit in utf16(scalar.value) {
                        let hex = String(unit, radix: 16, uppercase: uppercase)
                        out += #"\u"# + String(repeating: "0", count: 4 - hex.count) + hex
                    }
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// A scalar's UTF-16 code units: itself, or a surrogate pair above the Basic Multilingual Plane.
    func utf16(_ value: UInt32) -> [UInt32] {
        guard value >= 0x1_0000 else { return [value] }
        return [0xD800 + ((value - 0x1_0000) >> 10), 0xDC00 + ((value - 0x1_0000) & 0x3FF)]
    }

    mutating func space(_ canonical: Bool) -> String {
        canonical || chance(1, in: 2) ? "" : String((0..<int(1...3)).map { _ in pick(Self.whitespace) })
    }

    // MARK: Breaking

    /// Bytes biased towards JSON's own characters.
    mutating func randomBytes() -> [UInt8] { (0..<int(0...64)).map { _ in randomByte() } }

    mutating func randomByte() -> UInt8 { chance(1, in: 2) ? pick(Self.jsonBytes) : UInt8.random(in: 0...255, using: &rng) }

    /// One to four bit flips, insertions, deletions, truncations or splices of a piece of `donor`.
    mutating func mutate(_ document: [UInt8], donor: [UInt8]) -> [UInt8] {
        var bytes = document
        for _ in 0..<int(1...4) {
            let at = int(0...bytes.count)
            switch int(0...4) {
            case 0 where at < bytes.count: bytes[at] ^= UInt8(1) << int(0...7)
            case 1: bytes.insert(randomByte(), at: at)
            case 2 where at < bytes.count: bytes.removeSubrange(at..<min(bytes.count, at + int(1...8)))
            case 3: bytes.removeSubrange(at...)
            default:
                let start = int(0...donor.count)
                let piece = donor[start..<min(donor.count, start + int(1...16))]
                bytes.replaceSubrange(at..<min(bytes.count, at + int(0...4)), with: piece)
            }
        }
        return bytes
    }

    /// Text that is invalid wherever a value may stand, whatever surrounds it.
    mutating func invalidFragment() -> String {
        switch int(0...9) {
        case 0: return "[" + number() + ",]"  // trailing comma
        case 1: return #"{"k":"# + number() + ",}"  // trailing comma
        case 2: return (chance(1, in: 2) ? "-0" : "0") + digits(1...3)  // leading zero
        case 3: return "\"a" + String(Character(Unicode.Scalar(UInt8(int(0...0x1F))))) + "b\""  // raw control character
        case 4:  // single quotes
            let text: String = string().filter { $0 != "'" }
            return "'" + text + "'"
        // An unterminated string: whatever quote ends it, the document is left with an odd number of quotes.
        case 5: return "\"abc"
        case 6: return pick(["NaN", "Infinity", "-Infinity"])
        case 7: return "+" + digits(1...3)
        case 8: return "." + digits(1...3)
        default: return pick(["1.", "-", "-.5", "1e", "1E+", "0x1F", "tru", "nul", "[1 2]", "{\"k\" 1}"])
        }
    }

    /// Puts `fragment` in place of a value somewhere in `value`. The writer copies a number's text as it is, so the
    /// fragment travels as a number.
    mutating func plant(_ fragment: String, in value: JSONValue) -> JSONValue {
        switch value {
        case .array(var elements) where !elements.isEmpty && chance(3, in: 4):
            let index = int(0...elements.count - 1)
            elements[index] = plant(fragment, in: elements[index])
            return .array(elements)
        case .object(var members) where !members.isEmpty && chance(3, in: 4):
            let index = int(0...members.count - 1)
            members[index].value = plant(fragment, in: members[index].value)
            return .object(members)
        default: return .number(fragment)
        }
    }
}
