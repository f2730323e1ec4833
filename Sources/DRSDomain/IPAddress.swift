#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// IP literals in canonical form: dotted quad for IPv4, RFC 5952 for IPv6.
public enum IPAddress {
    /// The canonical text of an IPv4 or IPv6 literal, or nil when `text` is not one.
    /// Zone indices (`%eth0`), prefixes and surrounding brackets are not IP literals.
    public static func canonical(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.count <= 45, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        if text.contains(":") {
            var address = in6_addr()
            guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
            return withUnsafeBytes(of: &address) { format(family: AF_INET6, $0.baseAddress!, length: Int(INET6_ADDRSTRLEN)) }
        }
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { format(family: AF_INET, $0.baseAddress!, length: Int(INET_ADDRSTRLEN)) }
    }

    private static func format(family: Int32, _ address: UnsafeRawPointer, length: Int) -> String? {
        var buffer = [CChar](repeating: 0, count: length)
        guard inet_ntop(family, address, &buffer, socklen_t(length)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
