import AMQP
import Contract
import Foundation

/// The agency's broker connection: its account, its code, and failures in the reader's language.
struct AgencyBroker {
    let connection: AMQPConnection
    /// The account name, which every status update carries as `user_id`.
    let user: String
    /// The agency code, which is the routing key of its updates and names its queue.
    let code: String

    static func connect(_ options: AgencyOptions, purpose: String) async throws -> AgencyBroker {
        let text = options.text
        let url = try options.url()
        let configuration: AMQPConfiguration
        do {
            configuration = try AMQPConfiguration(url: url, connectionName: "reintegrationctl-agency-\(purpose)")
        } catch {
            throw CommandFailure(.usage, "--amqp-url: \(error)")
        }
        guard let code = AccountName.agencyCode(fromUserId: configuration.user) else {
            throw CommandFailure(.usage, text.notAnAgencyAccount)
        }
        do {
            let connection = try await AMQPConnection.connect(configuration, logger: RejectedQueueReader.quietLogger)
            return AgencyBroker(connection: connection, user: configuration.user, code: code)
        } catch {
            throw failure(error, text: text, doing: "connecting to the broker")
        }
    }

    /// A broker error as the agency reads it, of the kind `CommandFailure.broker` gives it.
    static func failure(_ error: any Error, text: AgencyText, doing: String) -> CommandFailure {
        if let failure = error as? CommandFailure { return failure }
        let described = CommandFailure.broker(error, doing: doing)
        switch (described.kind, error as? AMQPError) {
        case (.permission, .brokerClosed(_, let detail, _)?):
            return CommandFailure(.permission, text.refusedByBroker(detail))
        case (.permission, _):
            return CommandFailure(.permission, text.loginRefused)
        case (.notFound, .brokerClosed(_, let detail, _)?):
            return CommandFailure(.notFound, text.noQueue(detail))
        case (.unavailable, let error?):
            return CommandFailure(.unavailable, text.unreachable(error.description))
        default:
            return described
        }
    }
}
