import Contract
import Foundation
import IntakeDomain

/// The `intake-outcome.v1` reply an SMS system gets when its record carries `reply_to`.
struct IntakeOutcome: Codable, Sendable, Equatable {
    enum Outcome: String, Codable, Sendable {
        case accepted, duplicate, rejected
    }

    var schema = MessageType.intakeOutcome
    var smsReference: String?
    var outcome: Outcome
    var caseId: UUID?
    /// The machine code of a refusal (an extension of the contract's reply).
    var reason: String?
    var errors: [FieldProblem]
}
