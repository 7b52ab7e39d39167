/// One agency's figures for a report period (or the totals over all agencies).
struct AgencyFigures: Sendable, Equatable, Encodable {
    var agency: String
    /// Referrals issued in the period.
    var issued = 0
    /// Of those, acknowledged by their acknowledge-by deadline.
    var acknowledgedOnTime = 0
    /// Completed by their due-by deadline.
    var completedOnTime = 0
    /// Completed after their due-by deadline.
    var completedLate = 0
    var declined = 0
    /// Neither completed nor declined yet.
    var open = 0
    /// Open and past a deadline now: not acknowledged past acknowledge-by, or not completed past due-by.
    var overdueNow = 0
    /// Median working days from issue to completion over the completed referrals; nil when none.
    var medianWorkingDaysToCompletion: Double?
    /// Deadline extensions asked for on these referrals, and those approved and refused.
    var extensionsRequested = 0
    var extensionsGranted = 0
    var extensionsRefused = 0

    /// Open and not (yet) overdue.
    var openInTime: Int { open - overdueNow }
}
