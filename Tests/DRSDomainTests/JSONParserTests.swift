import DRSDomain
import Testing

@Suite struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func parsesEveryKind() throws {
        let value = try parse(#" {"a": [1, -2.5e3, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"], "b": {}} "#)
        #expect(
            value
                == .object([
                    (
                        "a",
                        .array([
                            .number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null, .string("x\"\\/\u{8}\u{c}\n\r\té😀"),
                        ])
                    ),
                    ("b", .object([])),
                ])
        )
    }

    @Test func keepsDuplicateMembersInOrder() throws {
        let members = try #require(try parse(#"{"k": 1, "k": 2}"#).objectMembers)
        #expect(members.map(\.key) == ["k", "k"])
    }

    @Test func integerLiterals() throws {
        #expect(try parse("12").integerLiteral == .some(12))
        #expect(try parse("-0").integerLiteral == .some(0))
        #expect(try parse("1.0").integerLiteral == nil)
        #expect(try parse("1e2").integerLiteral == nil)
        #expect(try parse("\"1\"").integerLiteral == nil)
        #expect(try parse("99999999999999999999").integerLiteral == .some(nil))
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "tru", "nul", "\"abc", "\"\u{01}\"", "{'a':1}", "{\"a\" 1}",
        "\"\\x\"", "\"\\ud800\"", "1 2", "NaN", "[1 2]",
    ])
    func rejectsInvalidDocuments(text: String) {
        #expect(throws: JSONParseError.self) { try parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try parse(deep) }
        #expect(throws: Never.self) { try parse(String(repeating: "[", count: 30) + String(repeating: "]", count: 30)) }
    }
}
