import Foundation

/// Sees what a simulated agency receives and answers, for a ledger kept beside it.
protocol AgencyObserver: Sendable {
    /// A referral delivery from the agency's queue, redeliveries included.
    func received(agency: String, referralId: String, messageId: String, at: Date)
    /// A status update the broker confirmed.
    func answered(agency: String, referralId: String, messageId: String, status: String)
}
