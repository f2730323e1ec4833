import Crypto
import Foundation

/// `SDK-HMAC-SHA256` request signing as the official Huawei Cloud SDKs do it (`auth.md`, "AK/SK request signing").
/// Pure functions: the server rebuilds the canonical request from the raw request and compares signatures.
public enum SDKSignature {
    public static let algorithm = "SDK-HMAC-SHA256"
    /// Largest accepted difference between `X-Sdk-Date` and the server's clock, either way.
    public static let maxClockSkewSeconds: Int64 = 15 * 60
    /// SHA-256 of the empty string.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The parts of `Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`.
    public struct Authorization: Equatable, Sendable {
        public var accessKey: String
        public var signedHeaders: [String]
        public var signature: String

        public init(accessKey: String, signedHeaders: [String], signature: String) {
            self.accessKey = accessKey
            self.signedHeaders = signedHeaders
            self.signature = signature
        }
    }

    /// Parses an `Authorization` value, or nil when it is not an `SDK-HMAC-SHA256` one.
    public static func parseAuthorization(_ value: String) -> Authorization? {
        guard value.hasPrefix(algorithm + " ") else { return nil }
        var fields: [String: String] = [:]
        for part in value.dropFirst(algorithm.count + 1).split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { return nil }
            fields[String(pair[0]).trimmed] = String(pair[1]).trimmed
        }
        guard let access = fields["Access"], !access.isEmpty, let headers = fields["SignedHeaders"], !headers.isEmpty,
            let signature = fields["Signature"], !signature.isEmpty
        else { return nil }
        return Authorization(accessKey: access, signedHeaders: headers.split(separator: ";").map(String.init), signature: signature)
    }

    /// `YYYYMMDDTHHMMSSZ` (UTC) as seconds since 1970.
    public static func parseDate(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        let digits = String(decoding: bytes[0..<8], as: UTF8.self) + String(decoding: bytes[9..<15], as: UTF8.self)
        guard digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let d = Array(digits)
        let timestamp = "\(String(d[0..<4]))-\(String(d[4..<6]))-\(String(d[6..<8])) \(String(d[8..<10])):\(String(d[10..<12])):\(String(d[12..<14]))"
        return Timestamp.parse(timestamp)
    }

    /// The path without its query, percent-decoded, each segment re-encoded, always ending with `/`.
    public static func canonicalURI(_ path: String) -> String? {
        guard let decoded = percentDecode(path) else { return nil }
        var uri = decoded.split(separator: "/", omittingEmptySubsequences: false).map { encode(String($0)) }.joined(separator: "/")
        if !uri.hasSuffix("/") { uri += "/" }
        return uri
    }

    /// `key=value` pairs, decoded then re-encoded, sorted by key then value, joined with `&`.
    public static func canonicalQuery(_ query: String) -> String? {
        guard !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for item in query.split(separator: "&") {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = percentDecode(String(parts[0])), let value = percentDecode(parts.count > 1 ? String(parts[1]) : "") else {
                return nil
            }
            pairs.append((encode(key), encode(value)))
        }
        return pairs.sorted { $0 < $1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// The canonical request; `header` answers a lower-case header name with its value (nil: absent).
    public static func canonicalRequest(
        method: String,
        path: String,
        query: String,
        signedHeaders: [String],
        header: (String) -> String?,
        payloadHash: String
    ) -> String? {
        guard let uri = canonicalURI(path), let canonicalQuery = canonicalQuery(query) else { return nil }
        var headers = ""
        for name in signedHeaders {
            guard let value = header(name) else { return nil }
            headers += "\(name):\(value.trimmed)\n"
        }
        return [method.uppercased(), uri, canonicalQuery, headers, signedHeaders.joined(separator: ";"), payloadHash].joined(
            separator: "\n"
        )
    }

    public static func stringToSign(date: String, canonicalRequest: String) -> String {
        "\(algorithm)\n\(date)\n\(hexSHA256(Array(canonicalRequest.utf8)))"
    }

    /// Lower-case hex HMAC-SHA256 of `stringToSign`, keyed with the secret key's UTF-8 bytes.
    public static func signature(secretKey: String, stringToSign: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: SymmetricKey(data: Array(secretKey.utf8)))
        return Hex.encode(mac)
    }

    /// Compares two signatures in constant time (for equal lengths).
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    public static func hexSHA256(_ bytes: some Sequence<UInt8>) -> String {
        Hex.encode(SHA256.hash(data: Array(bytes)))
    }

    /// Percent-encodes everything but `A-Z a-z 0-9 - _ . ~`.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + Hex.encode([byte]).uppercased()
            }
        }
        return out
    }

    /// Decodes `%XX` sequences (as UTF-8); nil for a malformed escape or invalid UTF-8.
    static func percentDecode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(), let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
