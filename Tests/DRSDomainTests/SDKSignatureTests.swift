import DRSDomain
import Testing

@Suite struct SDKSignatureTests {
    static let secret = "SKEXAMPLEsecretkey0123456789abcdefghijklm"

    static func sign(method: String = "POST", path: String, query: String = "", headers: [String: String], body: String) -> String? {
        let signed = headers.keys.map { $0.lowercased() }.sorted()
        let payload = body.isEmpty ? SDKSignature.emptyPayloadHash : (headers["X-Sdk-Content-Sha256"] ?? SDKSignature.hexSHA256(Array(body.utf8)))
        guard
            let canonical = SDKSignature.canonicalRequest(
                method: method,
                path: path,
                query: query,
                signedHeaders: signed,
                header: { name in headers.first { $0.key.lowercased() == name }?.value },
                payloadHash: payload
            )
        else { return nil }
        return SDKSignature.signature(
            secretKey: secret,
            stringToSign: SDKSignature.stringToSign(date: headers["X-Sdk-Date"]!, canonicalRequest: canonical)
        )
    }

    /// The test vector of `auth.md`.
    @Test func authTestVector() {
        let body = #"{"cur_page":1,"per_page":10,"db_use_type":"migration"}"#
        #expect(SDKSignature.hexSHA256(Array(body.utf8)) == "545329540e59b5c6b1df7fad5e18a9044d6394e12549104b819089ba8174ef95")
        let signature = Self.sign(
            path: "/v3/0123456789abcdef0123456789abcdef/jobs",
            headers: [
                "Content-Type": "application/json", "Host": "drs.cn-north-4.myhuaweicloud.com",
                "X-Project-Id": "0123456789abcdef0123456789abcdef", "X-Sdk-Date": "20240101T000000Z",
            ],
            body: body
        )
        #expect(signature == "7f630a9a2caea6281eb352d62cc63eaa6a944ce2552247f372139293f1b4eadb")
    }

    /// Vectors produced by the official SDK's own signer (`huaweicloudsdkcore` 3.1.219, `signer/signer.py`).
    @Test(arguments: [
        (
            "GET", "/v3/0123456789abcdef0123456789abcdef/jobs", "offset=10&limit=5&name=a%20b~c", "application/json", "",
            "0bd91f92aeb068f0d2a1b1b4b09eefa510e89bc0e985f1f146a914c93385ad57"
        ),
        (
            "GET", "/v3/0123456789abcdef0123456789abcdef/jobs/caf%C3%A9%20x", "", "application/json", "",
            "bf949f65e304b0f9bf7658d8fe6285eae22148e4dd2afdd86225ec03aa77ddf9"
        ),
        (
            "POST", "/v3/0123456789abcdef0123456789abcdef/jobs", "", "application/octet-stream", "binary-body",
            "1c7b937542887ffc39cf343e9f09a9fa3daac9092ff881a74ba0325d87943550"
        ),
    ])
    func sdkVectors(method: String, path: String, query: String, contentType: String, body: String, expected: String) {
        var headers = [
            "Content-Type": contentType, "Host": "drs.cn-north-4.myhuaweicloud.com",
            "X-Project-Id": "0123456789abcdef0123456789abcdef", "X-Sdk-Date": "20240101T000000Z",
        ]
        // The SDK sends UNSIGNED-PAYLOAD for bodies that are not JSON.
        if contentType != "application/json" { headers["X-Sdk-Content-Sha256"] = "UNSIGNED-PAYLOAD" }
        #expect(Self.sign(method: method, path: path, query: query, headers: headers, body: body) == expected)
    }

    @Test func canonicalURIs() {
        #expect(SDKSignature.canonicalURI("/v3/abc/jobs") == "/v3/abc/jobs/")
        #expect(SDKSignature.canonicalURI("/v3/abc/jobs/") == "/v3/abc/jobs/")
        #expect(SDKSignature.canonicalURI("/v3/a%20b/j%C3%A9bs") == "/v3/a%20b/j%C3%A9bs/")
        #expect(SDKSignature.canonicalURI("/v3/a b/x~y_z.-") == "/v3/a%20b/x~y_z.-/")
        #expect(SDKSignature.canonicalURI("/v3/a%2Fb") == "/v3/a/b/")
        #expect(SDKSignature.canonicalURI("/bad%zz") == nil)
    }

    @Test func canonicalQueries() {
        #expect(SDKSignature.canonicalQuery("") == "")
        #expect(SDKSignature.canonicalQuery("b=2&a=1&a=0") == "a=0&a=1&b=2")
        #expect(SDKSignature.canonicalQuery("name=a%20b&x=%7E&flag") == "flag=&name=a%20b&x=~")
        #expect(SDKSignature.canonicalQuery("k=caf%C3%A9") == "k=caf%C3%A9")
    }

    @Test func signaturesChangeWithEveryPart() {
        let headers = ["Host": "localhost:8080", "X-Sdk-Date": "20240101T000000Z", "Content-Type": "application/json"]
        let base = Self.sign(path: "/v3/p/jobs", headers: headers, body: "{}")
        #expect(base != nil)
        #expect(Self.sign(path: "/v3/p/jobs", query: "a=1", headers: headers, body: "{}") != base)
        #expect(Self.sign(path: "/v3/q/jobs", headers: headers, body: "{}") != base)
        #expect(Self.sign(method: "GET", path: "/v3/p/jobs", headers: headers, body: "{}") != base)
        #expect(Self.sign(path: "/v3/p/jobs", headers: headers, body: "{ }") != base)
        var other = headers
        other["Host"] = "otherhost"
        #expect(Self.sign(path: "/v3/p/jobs", headers: other, body: "{}") != base)
    }

    @Test func emptyBodyAndContentHashHeader() {
        let headers = ["Host": "h", "X-Sdk-Date": "20240101T000000Z"]
        let empty = Self.sign(path: "/v3/p/jobs", headers: headers, body: "")
        var withHash = headers
        withHash["X-Sdk-Content-Sha256"] = "UNSIGNED-PAYLOAD"
        #expect(Self.sign(path: "/v3/p/jobs", headers: withHash, body: "{}") != Self.sign(path: "/v3/p/jobs", headers: headers, body: "{}"))
        #expect(empty != nil)
    }

    @Test func authorizationHeader() {
        let parsed = SDKSignature.parseAuthorization(
            "SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;x-sdk-date, Signature=abc123"
        )
        #expect(parsed == .init(accessKey: "AKEXAMPLE", signedHeaders: ["content-type", "host", "x-sdk-date"], signature: "abc123"))
        for bad in ["Bearer x", "SDK-HMAC-SHA256 Access=AK", "SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=x", "SDK-HMAC-SHA256"] {
            #expect(SDKSignature.parseAuthorization(bad) == nil, "\(bad)")
        }
    }

    @Test func sdkDates() {
        #expect(SDKSignature.parseDate("20240101T000000Z") == 1_704_067_200)
        for bad in ["2024-01-01T00:00:00Z", "20240101T000000", "20241301T000000Z", "2024010AT000000Z", ""] {
            #expect(SDKSignature.parseDate(bad) == nil, "\(bad)")
        }
    }

    @Test func constantTimeComparison() {
        #expect(SDKSignature.constantTimeEqual("abc", "abc"))
        #expect(!SDKSignature.constantTimeEqual("abc", "abd"))
        #expect(!SDKSignature.constantTimeEqual("abc", "abcd"))
    }
}

@Suite struct PasswordHashTests {
    @Test func verifiesOnlyTheRightPassword() throws {
        let stored = try PasswordHash.make("correct horse")
        #expect(stored.hasPrefix("pbkdf2-sha256$210000$"))
        #expect(PasswordHash.verify("correct horse", against: stored))
        #expect(!PasswordHash.verify("correct horse ", against: stored))
        #expect(!PasswordHash.verify("", against: stored))
        #expect(try PasswordHash.make("correct horse") != stored)
        #expect(!PasswordHash.verify("x", against: "plain-text"))
    }
}
