import Foundation
import Logging
import Synchronization
import Testing

@testable import DRSAPI

/// `LOG_FORMAT=json`: one JSON object per line.
@Suite struct JSONLogHandlerTests {
    @Test func eachEventIsOneJSONObjectOnOneLine() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "drs.test") { label in JSONLogHandler(label: label) { line in lines.withLock { $0.append(line) } } }
        logger[metadataKey: "request_id"] = "abc"
        logger.info("request\nwith a newline", metadata: ["status": .stringConvertible(200), "path": "/v3/x/jobs", "list": ["a", "b"]])
        logger.debug("not at info")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "drs.test")
        #expect(object["message"] as? String == "request\nwith a newline")
        #expect(object["request_id"] as? String == "abc")
        #expect(object["status"] as? String == "200")
        #expect(object["path"] as? String == "/v3/x/jobs")
        #expect(object["list"] as? [String] == ["a", "b"])
        let time = try #require(object["time"] as? String)
        #expect(time.count == 24 && time.hasSuffix("Z") && time.contains("T"), "\(time)")
    }

    @Test func theFormatIsTextOrJSON() {
        #expect(LogFormat(environment: nil) == .text)
        #expect(LogFormat(environment: "") == .text)
        #expect(LogFormat(environment: "JSON") == .json)
        #expect(LogFormat(environment: "text") == .text)
        #expect(LogFormat(environment: "yaml") == nil)
    }
}
