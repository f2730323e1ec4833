import DRSDomain
import Foundation
import Testing

/// The parsing vectors of JSONTestSuite (nst/JSONTestSuite, test_parsing): every `y_` document must parse, every `n_`
/// document must be rejected, and an `i_` document may go either way. They are not kept in this repository:
/// `scripts/jsontestsuite` puts them in .build/jsontestsuite/test_parsing, which these tests read unless
/// DRS_JSONTESTSUITE_DIR names another test_parsing folder.
///
/// Where the vectors are missing, the three vector tests are skipped, and `swift test` lists them as skipped with the
/// reason; with DRS_REQUIRE_JSONTESTSUITE=1 (CI) their absence fails `vectorsArePresentWhenRequired` instead.
///
/// The nesting limit stays at the parser's default of 64: the deepest `y_` document nests 3 levels, and the deep
/// ones (n_structure_100000_opening_arrays, n_structure_open_array_object, i_structure_500_nested_arrays) are
/// rejected by that limit, without recursing past it.
@Suite struct JSONTestSuiteTests {
    @Test func vectorsArePresentWhenRequired() {
        guard Vectors.required else { return }
        for prefix in ["y_", "n_", "i_"] {
            #expect(!Vectors.named(prefix).isEmpty, "no \(prefix)*.json in \(Vectors.directory.path): run scripts/jsontestsuite")
        }
    }

    @Test(.enabled(if: Vectors.found, Vectors.absent))
    func acceptsEveryYVector() throws {
        for name in Vectors.named("y_") {
            let bytes = try Vectors.bytes(name)
            if case .failure(let error) = outcome(bytes) {
                Issue.record("\(name): rejected at byte \(error.offset): \(error.reason)")
            }
        }
    }

    @Test(.enabled(if: Vectors.found, Vectors.absent))
    func rejectsEveryNVector() throws {
        for name in Vectors.named("n_") {
            let bytes = try Vectors.bytes(name)
            switch outcome(bytes) {
            case .success(let value): Issue.record("\(name): accepted as \(value)")
            case .failure(let error):
                #expect((0...bytes.count).contains(error.offset), "\(name): error offset \(error.offset) outside the input")
            }
        }
    }

    /// `i_` vectors leave the verdict to the parser. This one accepts the out-of-range numbers (it keeps a number's
    /// text and never converts it) and rejects lone or inverted surrogate escapes, invalid UTF-8 (overlong, truncated,
    /// surrogate or out-of-range sequences, Latin-1), UTF-16 documents, a byte order mark, and 500 nested arrays
    /// (over its nesting limit). Whichever way it goes, it must not crash and must decide the same way every time,
    /// here for the same bytes given as an array and as `Data`.
    @Test(.enabled(if: Vectors.found, Vectors.absent))
    func decidesEveryIVectorTheSameWay() throws {
        for name in Vectors.named("i_") {
            let bytes = try Vectors.bytes(name)
            let first = outcome(bytes)
            let second = outcome(Data(bytes))
            #expect(first == second, "\(name): \(first) then \(second)")
        }
    }
}

private func outcome(_ bytes: some Collection<UInt8>) -> Result<JSONValue, JSONParseError> {
    do throws(JSONParseError) {
        return .success(try JSONParser.parse(bytes))
    } catch {
        return .failure(error)
    }
}

private enum Vectors {
    static let environment = ProcessInfo.processInfo.environment

    /// DRS_JSONTESTSUITE_DIR, else .build/jsontestsuite/test_parsing in the package (this file is
    /// Tests/DRSDomainTests/JSONTestSuiteTests.swift, three levels below the package root).
    static let directory: URL = {
        if let path = Vectors.environment["DRS_JSONTESTSUITE_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        return root.appendingPathComponent(".build/jsontestsuite/test_parsing", isDirectory: true)
    }()

    static let names: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()

    static var found: Bool { !names.isEmpty }

    static var required: Bool { environment["DRS_REQUIRE_JSONTESTSUITE"] == "1" }

    static let absent: Comment =
        "JSONTestSuite vectors not found: run scripts/jsontestsuite or set DRS_JSONTESTSUITE_DIR"

    static func named(_ prefix: String) -> [String] { names.filter { $0.hasPrefix(prefix) } }

    static func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.appendingPathComponent(name))) }
}
