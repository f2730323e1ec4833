import Crypto
import _CryptoExtras

/// Passwords of identity-API users, stored only as a slow salted hash:
/// `pbkdf2-sha256$<rounds>$<salt hex>$<hash hex>`.
public enum PasswordHash {
    public static let rounds = 210_000

    public static func make(_ password: String) throws -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        let hash = try derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(Hex.encode(salt))$\(hash)"
    }

    /// Whether `password` matches `stored` (compared in constant time).
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= 210_000,
            let salt = Hex.decode(String(parts[2])),
            let hash = try? derive(password, salt: salt, rounds: rounds)
        else { return false }
        return SDKSignature.constantTimeEqual(hash, String(parts[3]))
    }

    private static func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> String {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8),
            salt: salt,
            using: .sha256,
            outputByteCount: 32,
            rounds: rounds
        )
        return key.withUnsafeBytes { Hex.encode($0) }
    }
}
