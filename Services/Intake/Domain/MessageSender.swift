import Contract

/// Who sent a record or consent update (contract v1.1, item 1), from the `user_id` the
/// broker validated: a publisher cannot set another account's name.
///
/// An operator replaying an SMS system's refused record publishes with its own account and
/// names the system in `x-on-behalf-of`; only an operator's account is trusted to do that.
public struct MessageSender: Sendable, Equatable, CustomStringConvertible {
    /// The SMS system's (or, for an operator's own message, the operator's) account name.
    public var account: String
    /// The operator who replayed the message, when it was a replay.
    public var replayedBy: String?

    public init(account: String, replayedBy: String? = nil) {
        self.account = account
        self.replayedBy = replayedBy
    }

    /// The sender of a message with `userId` and the `x-on-behalf-of` header `onBehalfOf`;
    /// nil when there is no `user_id` (refused as `missing-sender`).
    public init?(userId: String?, onBehalfOf: String?) {
        guard let userId, !userId.isEmpty else { return nil }
        if case .operator? = PartyAccount(userName: userId), let onBehalfOf,
           case .sms(let name)? = PartyAccount(userName: onBehalfOf), PartyAccount.isValidName(name) {
            self.init(account: onBehalfOf, replayedBy: userId)
        } else {
            self.init(account: userId)
        }
    }

    /// Account names are identifiers, not personal data.
    public var description: String {
        replayedBy.map { "\(account) (replayed by \($0))" } ?? account
    }
}
