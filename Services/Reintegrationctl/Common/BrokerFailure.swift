import AMQP

/// Turns broker errors into operator-facing failures with exit codes. Broker reply texts
/// name queues, exchanges and users only.
enum BrokerFailure {
    static func describe(_ error: any Error, doing: String) -> CommandFailure {
        if let failure = error as? CommandFailure { return failure }
        guard let error = error as? AMQPError else {
            return CommandFailure(description: "\(doing) failed: \(error)", code: 1)
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
            return CommandFailure(description: "\(doing): \(error)", code: 1)
        }
    }

    private static func loginRefused(_ doing: String) -> CommandFailure {
        CommandFailure(permission: "the broker refused the login while \(doing): check the URL's user and password (a disabled account cannot log in)")
    }
}
