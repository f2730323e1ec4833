import Crypto
import Foundation

/// Project-scoped, self-contained, expiring tokens (`auth.md`, "Tokens").
///
/// Shape: `DRS1.<base64url(project_id.issued_at.expires_at)>.<base64url(HMAC-SHA256(secret, that payload))>`.
/// The secret is 256 random bits kept in the database, so every process sharing it accepts the same tokens.
public struct ProjectToken: Equatable, Sendable {
    public var projectID: String
    /// Seconds since 1970.
    public var issuedAt: Int64
    public var expiresAt: Int64

    public init(projectID: String, issuedAt: Int64, expiresAt: Int64) {
        self.projectID = projectID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    public enum VerificationError: Error, Equatable, Sendable {
        /// Not a token of ours, or the signature does not match: "decrypt token fail".
        case undecodable
        /// Genuine but past `expiresAt`.
        case expired
    }

    static let prefix = "DRS1."

    /// The token text, signed with `secret`.
    public func encoded(secret: [UInt8]) -> String {
        let payload = Array("\(projectID).\(issuedAt).\(expiresAt)".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: secret))
        return Self.prefix + Base64URL.encode(payload) + "." + Base64URL.encode(Array(mac))
    }

    /// Checks the signature (in constant time) and the expiry.
    public static func verify(_ text: String, secret: [UInt8], now: Int64) throws(VerificationError) -> ProjectToken {
        guard text.hasPrefix(prefix), text.utf8.count < 512 else { throw .undecodable }
        let parts = text.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: SymmetricKey(data: secret))
        else { throw .undecodable }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: ".", omittingEmptySubsequences: false)
        guard fields.count == 3, let issuedAt = Int64(fields[1]), let expiresAt = Int64(fields[2]) else { throw .undecodable }
        let token = ProjectToken(projectID: String(fields[0]), issuedAt: issuedAt, expiresAt: expiresAt)
        guard now < expiresAt else { throw .expired }
        return token
    }

    /// A new random token secret.
    public static func makeSecret() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }
}

/// Base64 with the URL-safe alphabet and no padding.
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard text.utf8.allSatisfy({ $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") }) else {
            return nil
        }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        // Only the canonical spelling: unused low bits of the last character must be zero.
        guard let bytes = Data(base64Encoded: base64).map({ Array($0) }), encode(bytes) == text else { return nil }
        return bytes
    }
}

/// `--ttl` values: a whole number followed by `s`, `m`, `h` or `d`.
public enum TTL {
    public static func seconds(_ text: String) -> Int64? {
        guard let unit = text.last, let amount = Int64(text.dropLast()), amount > 0, text.first != "+" else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        default: return nil
        }
        let (seconds, overflow) = amount.multipliedReportingOverflow(by: scale)
        return overflow ? nil : seconds
    }
}

/// Project IDs: 32 lowercase hexadecimal characters.
public enum ProjectID {
    /// 32 lowercase hex digits. Inlinable: every request checks its path's project, and an unspecialized generic check
    /// cost 1 % of the server's CPU.
    @inlinable public static func isValid(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    public static func generate() -> String {
        UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }
}
