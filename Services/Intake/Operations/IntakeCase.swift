import Foundation

/// A case as intake registered it, with nothing personal but the initials: what an
/// operator's lookup shows of it.
public struct IntakeCase: Sendable, Equatable {
    public var caseId: UUID
    public var smsReference: String
    /// Cut from the record as received; nil when it carries no name.
    public var personInitials: String?
    public var district: String
    public var readmittedAt: Date
    public var openedAt: Date
    /// `given` or `awaiting`.
    public var consentStatus: String

    public init(
        caseId: UUID, smsReference: String, personInitials: String?, district: String, readmittedAt: Date, openedAt: Date,
        consentStatus: String
    ) {
        self.caseId = caseId
        self.smsReference = smsReference
        self.personInitials = personInitials
        self.district = district
        self.readmittedAt = readmittedAt
        self.openedAt = openedAt
        self.consentStatus = consentStatus
    }
}
