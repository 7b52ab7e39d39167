import Contract

/// Why a `referral-status.v1` body was refused: the contract's reason code and a detail
/// naming the field. Details never quote the body, whose note may hold personal data.
public struct StatusRefusal: Error, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var reason: RejectionReason
    public var detail: String

    public init(reason: RejectionReason, detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
    public var debugDescription: String { "StatusRefusal(\(reason.rawValue): \(detail))" }
}
