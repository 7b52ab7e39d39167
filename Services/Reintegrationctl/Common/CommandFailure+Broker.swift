import AMQP

extension CommandFailure {
    /// A broker error met while `doing` something, as a failure that says what to do.
    /// Broker reply texts name queues, exchanges and users only.
    static func broker(_ error: any Error, doing: String) -> CommandFailure {
        if let failure = error as? CommandFailure { return failure }
        guard let error = error as? AMQPError else {
            return CommandFailure(.failed, "\(doing) failed: \(error)")
        }
        switch error {
        case .configuration(let reason):
            return CommandFailure(usage: reason)
        case .brokerClosed(403, let text, _):
            return CommandFailure(permission: "the broker refused \(doing) (403 \(text)): check the account's permissions")
        case .brokerClosed(404, let text, _):
            return CommandFailure(notFound: "\(doing): \(text) (has the service that declares it run on this vhost?)")
        case .authenticationFailed:
            return loginRefused(doing)
        case .connectFailed(let stage, let reason) where stage.contains("login") || reason.contains("ACCESS_REFUSED") || reason.contains("403"):
            return loginRefused(doing)
        case .connectFailed, .connectionLost, .closed, .brokerBlocked, .confirmTimedOut, .cancelled:
            return CommandFailure(unavailable: "\(doing): \(error)")
        case .brokerClosed:
            return CommandFailure(.failed, "\(doing): \(error)")
        }
    }

    private static func loginRefused(_ doing: String) -> CommandFailure {
        CommandFailure(permission: "the broker refused the login while \(doing): check the URL's user and password (a disabled account cannot log in)")
    }
}
