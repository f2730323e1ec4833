import Testing

@testable import DRSDomain

@Suite struct JSONNULTests {
    @Test(arguments: [
        (#"{"name":"a\u0000b"}"#, true),
        (#"["\u0000"]"#, true),
        (#"{"jobs":["\\u0000"]}"#, false),
        (#"{"jobs":["\\\u0000"]}"#, true),
        (#"{"a":"\u00001"}"#, true),
        (#"{"a":"\u0001"}"#, false),
        (#"{"a":"\u00a0"}"#, false),
        (#"{"a":"u0000"}"#, false),
        (#"{"a":"\u000"}"#, false),
        (#"{"a":"\"}"#, false),
        ("", false),
    ])
    func escapedNULIsFound(text: String, expected: Bool) {
        #expect(JSONNUL.isEscaped(in: Array(text.utf8)) == expected, "\(text)")
    }
}
