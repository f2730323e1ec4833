#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `create_time` values: `yyyy-MM-dd HH:mm:ss` in UTC, which sort as text in time order. Tasks keep their create time
/// in milliseconds since 1970; the query's answers show it to the second.
public enum Timestamp {
    /// The text for `milliseconds` since 1970 (UTC), to the second (rounded down).
    public static func format(milliseconds: Int64) -> String {
        format(secondsSince1970: floorDiv(milliseconds, 1000))
    }

    /// Milliseconds since 1970 for a valid `yyyy-MM-dd HH:mm:ss` text, optionally with `.SSS` (three digits of
    /// milliseconds, as export writes a time that has them), else nil.
    public static func milliseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        if bytes.count == 23, bytes[19] == UInt8(ascii: "."), bytes[20...].allSatisfy({ (48...57).contains($0) }) {
            let fraction = bytes[20...].reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) }
            return parse(String(decoding: bytes[..<19], as: UTF8.self)).map { $0 * 1000 + fraction }
        }
        return parse(text).map { $0 * 1000 }
    }

    /// The current time in milliseconds since 1970.
    public static func nowMilliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    /// The calendar fields of a time (UTC), the year clamped to 0...9999.
    public struct Fields: Sendable {
        public var year, month, day, hour, minute, second: Int

        public init(milliseconds: Int64) {
            let seconds = Timestamp.floorDiv(milliseconds, 1000)
            let days = Timestamp.floorDiv(seconds, 86_400)
            let secondOfDay = Int(seconds - days * 86_400)
            let (year, month, day) = Timestamp.civil(fromDays: days)
            self.year = Int(max(0, min(year, 9999)))
            self.month = month
            self.day = day
            self.hour = secondOfDay / 3600
            self.minute = secondOfDay / 60 % 60
            self.second = secondOfDay % 60
        }
    }

    /// Writes the 19 bytes of `yyyy-MM-dd HH:mm:ss` for `milliseconds` through `write` (no allocation).
    public static func withText<R>(milliseconds: Int64, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let seconds = floorDiv(milliseconds, 1000)
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 19) { buffer in
            func put(_ value: Int, at offset: Int, width: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(Int(max(0, min(year, 9999))), at: 0, width: 4)
            buffer[4] = UInt8(ascii: "-")
            put(month, at: 5, width: 2)
            buffer[7] = UInt8(ascii: "-")
            put(day, at: 8, width: 2)
            buffer[10] = UInt8(ascii: " ")
            put(secondOfDay / 3600, at: 11, width: 2)
            buffer[13] = UInt8(ascii: ":")
            put(secondOfDay / 60 % 60, at: 14, width: 2)
            buffer[16] = UInt8(ascii: ":")
            put(secondOfDay % 60, at: 17, width: 2)
            return body(UnsafeRawBufferPointer(buffer))
        }
    }

    /// The text for `secondsSince1970` (UTC).
    public static func format(secondsSince1970 seconds: Int64) -> String {
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        return pad(Int(year), 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + " " + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
    }

    /// Seconds since 1970 for a valid `yyyy-MM-dd HH:mm:ss` text, else nil.
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19), year >= 1, (1...12).contains(month),
            (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        return days(fromYear: Int64(year), month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    // Howard Hinnant's civil-from-days and days-from-civil algorithms.
    static func civil(fromDays z0: Int64) -> (Int64, Int, Int) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func days(fromYear y0: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
