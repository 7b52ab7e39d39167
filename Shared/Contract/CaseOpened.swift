import Foundation

/// `case-opened.v1`: intake → referral, on `cluster.events` with key `case.opened`.
///
/// Carries what routing and referrals need and nothing more (no notes, agreement or
/// border point). `awaitingConsent` true means no referral may leave the cluster until a
/// `case-consent-released.v1` arrives for the case.
public struct CaseOpened: Sendable, Codable, Equatable {
    public var schema: String = MessageType.caseOpened
    public var caseId: UUID
    public var personId: UUID
    public var smsReference: String
    public var readmittedAt: Date
    public var openedAt: Date
    public var person: PersonDetails
    public var family: [FamilyMember]
    /// The record's needs, plus `documents` when the FIN was missing.
    public var needs: [String]
    public var awaitingConsent: Bool

    public init(
        caseId: UUID, personId: UUID, smsReference: String, readmittedAt: Date, openedAt: Date,
        person: PersonDetails, family: [FamilyMember], needs: [String], awaitingConsent: Bool
    ) {
        self.caseId = caseId
        self.personId = personId
        self.smsReference = smsReference
        self.readmittedAt = readmittedAt
        self.openedAt = openedAt
        self.person = person
        self.family = family
        self.needs = needs
        self.awaitingConsent = awaitingConsent
    }
}

/// `case-consent-released.v1`: intake → referral when a held case gets consent.
public struct CaseConsentReleased: Sendable, Codable, Equatable {
    public var schema: String = MessageType.caseConsentReleased
    public var caseId: UUID
    public var releasedAt: Date

    public init(caseId: UUID, releasedAt: Date) {
        self.caseId = caseId
        self.releasedAt = releasedAt
    }
}
