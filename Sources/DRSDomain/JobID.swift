import Foundation

/// Task IDs in DRS's shape: a lowercase UUID whose last 5 characters are `jb` and 3 more.
public enum JobID {
    public static func generate() -> String {
        let uuid = UUID().uuidString.lowercased()
        let suffix = String(UInt16.random(in: 0..<0x1000), radix: 16)
        return String(uuid.dropLast(5)) + "jb" + String(repeating: "0", count: 3 - suffix.count) + suffix
    }

    /// Characters allowed in an imported ID. Commas are excluded because the `name` filter splits on them.
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": return true
        default: return false
        }
    }
}
