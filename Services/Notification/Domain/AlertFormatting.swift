import Foundation
import WorkingCalendar

/// How deadlines and lateness read in alerts: Asia/Baku wall-clock time, durations in
/// words of the reader's language.
public enum AlertFormatting {
    /// `2026-06-01 18:00 +04:00`: the date and time in Asia/Baku with the zone's offset,
    /// so a reader elsewhere (or a mail client that shows its own zone) is not misled.
    public static func deadline(_ date: Date) -> String {
        let zone = WorkingCalendar.bakuTimeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let offset = zone.secondsFromGMT(for: date) / 60
        return String(
            format: "%04d-%02d-%02d %02d:%02d %@%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, offset < 0 ? "-" : "+", abs(offset) / 60, abs(offset) % 60)
    }

    /// `2 days 3 hours`, `45 minutes` (en) or `2 gün 3 saat`, `45 dəqiqə` (az): the two
    /// largest units, at least one minute.
    public static func lateness(seconds: Int, language: AlertLanguage) -> String {
        let minutes = max(1, seconds / 60)
        let days = minutes / (24 * 60)
        let hours = (minutes / 60) % 24
        let rest = minutes % 60
        var parts: [(Int, Unit)] = []
        if days > 0 { parts.append((days, .day)) }
        if hours > 0 { parts.append((hours, .hour)) }
        if days == 0, rest > 0 { parts.append((rest, .minute)) }
        return parts.prefix(2).map { count, unit in "\(count) \(unit.word(count: count, language: language))" }
            .joined(separator: " ")
    }

    private enum Unit {
        case day, hour, minute

        func word(count: Int, language: AlertLanguage) -> String {
            switch (language, self) {
            case (.az, .day): "gün"
            case (.az, .hour): "saat"
            case (.az, .minute): "dəqiqə"
            case (.en, .day): count == 1 ? "day" : "days"
            case (.en, .hour): count == 1 ? "hour" : "hours"
            case (.en, .minute): count == 1 ? "minute" : "minutes"
            }
        }
    }
}
