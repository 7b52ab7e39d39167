import Foundation
import ProlepticGregorian

/// Converts between `Date` and PostgreSQL's timestamp text.
///
/// Hand-written rather than `DateFormatter`-based: the formats are fixed (the session runs
/// with `TimeZone=UTC` and `DateStyle=ISO`), microsecond precision matters, and no locale
/// or calendar setting may change the outcome.
enum PostgresTimestamp {
    /// `2026-05-29T06:15:00.123456Z`: ISO 8601, UTC, rounded to the microsecond
    /// (PostgreSQL's resolution). Years outside 1...9999 are refused.
    static func format(_ date: Date) throws -> String {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite else {
            throw PostgresError.protocolViolation("timestamp parameter is not finite")
        }
        let micros = Int64((seconds * 1_000_000).rounded())
        let microsPerDay: Int64 = 86_400_000_000
        let days = floorDivide(micros, microsPerDay)
        let microOfDay = micros - days * microsPerDay
        let civil = ProlepticGregorian.date(dayNumber: Int(days))
        guard (1...9999).contains(civil.year) else {
            throw PostgresError.protocolViolation("timestamp parameter is outside years 1 to 9999")
        }
        let secondOfDay = microOfDay / 1_000_000
        let fraction = microOfDay % 1_000_000
        return padded(Int64(civil.year), 4) + "-" + padded(Int64(civil.month), 2) + "-" + padded(Int64(civil.day), 2) + "T" + padded(secondOfDay / 3600, 2) + ":" + padded(secondOfDay / 60 % 60, 2)
            + ":" + padded(secondOfDay % 60, 2) + "." + padded(fraction, 6) + "Z"
    }

    /// Parses `timestamptz`, `timestamp` and `date` output in ISO style:
    /// `2026-05-29 06:15:00.123456+00`, `2026-05-29 10:15:00+04:00`, `2026-05-29T06:15:00Z`,
    /// `2026-05-29 06:15:00` (taken as UTC), `2026-05-29` (midnight UTC), and
    /// `infinity` / `-infinity` (as `Date.distantFuture` / `Date.distantPast`).
    static func parse(_ text: String) throws -> Date {
        switch text {
        case "infinity": return .distantFuture
        case "-infinity": return .distantPast
        default: break
        }
        var scanner = DigitScanner(Array(text.utf8))
        let year = try scanner.number(minDigits: 4, maxDigits: 7)
        try scanner.expect(UInt8(ascii: "-"))
        let month = try scanner.number(minDigits: 2, maxDigits: 2)
        try scanner.expect(UInt8(ascii: "-"))
        let day = try scanner.number(minDigits: 2, maxDigits: 2)
        var secondOfDay: Int64 = 0
        var fraction = 0.0
        var offsetSeconds: Int64 = 0
        if !scanner.isAtEnd {
            guard scanner.skip(UInt8(ascii: " ")) || scanner.skip(UInt8(ascii: "T")) else {
                throw PostgresError.decoding("timestamp has an unexpected separator")
            }
            let hour = try scanner.number(minDigits: 2, maxDigits: 2)
            try scanner.expect(UInt8(ascii: ":"))
            let minute = try scanner.number(minDigits: 2, maxDigits: 2)
            try scanner.expect(UInt8(ascii: ":"))
            let second = try scanner.number(minDigits: 2, maxDigits: 2)
            guard hour <= 24, minute <= 59, second <= 60 else {
                throw PostgresError.decoding("timestamp has an invalid time")
            }
            secondOfDay = hour * 3600 + minute * 60 + second
            if scanner.skip(UInt8(ascii: ".")) {
                let start = scanner.position
                let digits = try scanner.number(minDigits: 1, maxDigits: 9)
                fraction = Double(digits) / pow(10, Double(scanner.position - start))
            }
            if scanner.skip(UInt8(ascii: "Z")) {
                offsetSeconds = 0
            } else if let sign = scanner.sign() {
                let offsetHours = try scanner.number(minDigits: 2, maxDigits: 2)
                var offsetMinutes: Int64 = 0
                var offsetRest: Int64 = 0
                if !scanner.isAtEnd {
                    _ = scanner.skip(UInt8(ascii: ":"))
                    offsetMinutes = try scanner.number(minDigits: 2, maxDigits: 2)
                    if !scanner.isAtEnd {
                        _ = scanner.skip(UInt8(ascii: ":"))
                        offsetRest = try scanner.number(minDigits: 2, maxDigits: 2)
                    }
                }
                offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60 + offsetRest)
            }
        }
        guard scanner.isAtEnd else {
            throw PostgresError.decoding("timestamp has trailing text")
        }
        guard ProlepticGregorian.isValid(year: Int(year), month: Int(month), day: Int(day)) else {
            throw PostgresError.decoding("timestamp has an invalid date")
        }
        let dayNumber = ProlepticGregorian.dayNumber(year: Int(year), month: Int(month), day: Int(day))
        let epochSeconds = Int64(dayNumber) * 86_400 + secondOfDay - offsetSeconds
        return Date(timeIntervalSince1970: Double(epochSeconds) + fraction)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// Reads ASCII digits and punctuation from a byte array, for timestamp parsing.
private struct DigitScanner {
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position == bytes.count }

    mutating func number(minDigits: Int, maxDigits: Int) throws -> Int64 {
        var value: Int64 = 0
        var count = 0
        while position < bytes.count, count < maxDigits,
            let digit = Self.digitValue(bytes[position])
        {
            value = value * 10 + digit
            position += 1
            count += 1
        }
        guard count >= minDigits else {
            throw PostgresError.decoding("timestamp is not in ISO format")
        }
        return value
    }

    mutating func expect(_ byte: UInt8) throws {
        guard skip(byte) else {
            throw PostgresError.decoding("timestamp is not in ISO format")
        }
    }

    mutating func skip(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// Consumes `+` or `-` and returns 1 or -1.
    mutating func sign() -> Int64? {
        if skip(UInt8(ascii: "+")) { return 1 }
        if skip(UInt8(ascii: "-")) { return -1 }
        return nil
    }

    private static func digitValue(_ byte: UInt8) -> Int64? {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        return Int64(byte - UInt8(ascii: "0"))
    }
}
