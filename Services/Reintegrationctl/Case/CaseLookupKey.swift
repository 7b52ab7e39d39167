import Foundation

/// How an operator names the case to show.
enum CaseLookupKey: Sendable {
    case caseId(UUID)
    case smsReference(String)
    /// The FIN: used only to find the person's cases, never printed.
    case personalId(String)

    /// "no case with that …" for the not-found message, without echoing the value.
    var noun: String {
        switch self {
        case .caseId: "case id"
        case .smsReference: "SMS reference"
        case .personalId: "personal id"
        }
    }
}
