import Foundation

/// A pending ladder step planned again after the referral's deadline moved: its new
/// moment and the deadline its alert shows. Audiences and cancelling events stay as
/// they were planned.
public struct RescheduledStep: Sendable, Equatable {
    public var step: Int
    public var moment: Date
    public var deadline: Date

    public init(step: Int, moment: Date, deadline: Date) {
        self.step = step
        self.moment = moment
        self.deadline = deadline
    }
}
