import Contract
import Foundation
import WorkingCalendar

/// A `referral-updated.v1` body: the secretariat's decision on a deadline extension,
/// `{"schema": "referral-updated.v1", "referralId": "…", "dueBy": "…",
///   "reason": "extension-approved" | "extension-refused", "note": "…"}`.
struct ReferralUpdateNotice: Decodable, Sendable {
    static let schemaName = "referral-updated.v1"

    var schema: String
    var referralId: UUID
    /// An RFC 3339 instant, or a local date (Asia/Baku) meaning the end of that day.
    var dueBy: String
    var reason: String
    var note: String?

    /// The deadline as an instant.
    var dueDate: Date? {
        if let instant = Timestamp.parse(dueBy) { return instant }
        guard let day = CivilDay(dueBy) else { return nil }
        var components = DateComponents(year: day.year, month: day.month, day: day.day, hour: 23, minute: 59, second: 59)
        components.timeZone = WorkingCalendar.bakuTimeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = WorkingCalendar.bakuTimeZone
        return calendar.date(from: components)
    }

    /// The body as an update notice, or nil when it is not a well-formed one.
    static func parse(_ body: [UInt8]) -> ReferralUpdateNotice? {
        guard let notice = try? ContractCoding.decode(ReferralUpdateNotice.self, from: body), notice.schema == schemaName,
              notice.dueDate != nil
        else { return nil }
        return notice
    }
}
