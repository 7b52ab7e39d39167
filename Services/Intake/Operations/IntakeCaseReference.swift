import Foundation

/// Which case an SMS record opened, and when: what the drill and the bench match their
/// records with.
public struct IntakeCaseReference: Sendable, Equatable {
    public var caseId: UUID
    public var smsReference: String
    public var openedAt: Date

    public init(caseId: UUID, smsReference: String, openedAt: Date) {
        self.caseId = caseId
        self.smsReference = smsReference
        self.openedAt = openedAt
    }
}
