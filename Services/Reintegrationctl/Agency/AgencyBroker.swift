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
            throw AgencyFailure(code: 64, message: "--amqp-url: \(error)")
        }
        guard let code = AccountName.agencyCode(fromUserId: configuration.user) else {
            throw AgencyFailure(code: 64, message: text.notAnAgencyAccount)
        }
        do {
            let connection = try await AMQPConnection.connect(configuration, logger: RejectedQueueReader.quietLogger)
            return AgencyBroker(connection: connection, user: configuration.user, code: code)
        } catch {
            throw failure(error, text: text, doing: "connecting to the broker")
        }
    }

    /// A broker error as the agency reads it, with the exit code `BrokerFailure` gives it.
    static func failure(_ error: any Error, text: AgencyText, doing: String) -> AgencyFailure {
        if let failure = error as? AgencyFailure { return failure }
        let described = BrokerFailure.describe(error, doing: doing)
        switch (described.code, error as? AMQPError) {
        case (77, .brokerClosed(_, let detail, _)?):
            return AgencyFailure(code: 77, message: text.refusedByBroker(detail))
        case (77, _):
            return AgencyFailure(code: 77, message: text.loginRefused)
        case (66, .brokerClosed(_, let detail, _)?):
            return AgencyFailure(code: 66, message: text.noQueue(detail))
        case (69, let error?):
            return AgencyFailure(code: 69, message: text.unreachable(error.description))
        default:
            return AgencyFailure(code: described.code, message: described.description)
        }
    }
}
