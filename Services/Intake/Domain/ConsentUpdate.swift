import Foundation

/// A valid `consent.v1` message: the SMS system's consent decision for one record.
public struct ConsentUpdate: Sendable, Equatable {
    /// The `smsReference` of the readmission record the consent belongs to.
    public var smsReference: String
    /// `true` releases the case's held referrals.
    public var dataSharing: Bool
    /// When the person gave or withdrew consent, if the SMS system said.
    public var recordedAt: Date?

    /// An update as the parser produces it.
    public init(smsReference: String, dataSharing: Bool, recordedAt: Date?) {
        self.smsReference = smsReference
        self.dataSharing = dataSharing
        self.recordedAt = recordedAt
    }
}
