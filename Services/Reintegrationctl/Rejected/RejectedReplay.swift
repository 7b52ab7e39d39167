import AMQP
import ArgumentParser
import Contract
import Foundation

extension RejectedCommand {
    /// Publishes a refused message (possibly corrected) back where it first went, and takes
    /// it off the rejected queue only once the broker confirmed the replayed copy.
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay a refused message, possibly corrected, back through the contract's exchange.",
            discussion: """
                intake: published to the intake exchange with the message's type as routing key (readmission.v1 \
                or consent.v1), with the operator's account as user_id and the original sender's account in \
                x-on-behalf-of, so the case belongs to that SMS system and a refusal returns to its queue. agency-updates: the referral service trusts only \
                user_id, which the broker lets no account but the agency's set, so a status update is replayed \
                with the agency's own account (--as-url), to agency.updates under its code; it must be the \
                account that sent it. The copy gets a new message_id (receivers have recorded the old one) and \
                x-replay-of = the old one; the rejection headers are dropped. The rejected message is acked \
                only after the broker confirmed the copy: on any failure it stays in its queue (exit 75).
                """)
        @OptionGroup var options: ReadOptions
        @Argument(help: "The message's message_id (from rejected list).") var messageId: String

        @Option(help: "Replay this corrected JSON body (at most 64 KiB) instead of the refused one.")
        var bodyFile: String?

        @Option(help: "intake only: the routing key and type to use, readmission.v1 or consent.v1 (default: the message's type).")
        var type: String?

        @Option(help: "agency-updates only: the agency's account URL without its password, amqp://agency-<code>@host:port/vhost.")
        var asURL: String?

        @Option(help: "agency-updates only: a file (mode 600) whose first line is the password of --as-url's account.")
        var asPasswordFile: String?

        func run() async throws {
            try await CommandFailure.reporting {
                // Everything that can be checked without the queue is checked first.
                let correctedBody = try bodyFile.map(Self.readBody)
                let agency = try agencyPublisher()
                if options.queue.kind == .intake, let type, ![MessageType.readmission, MessageType.consent].contains(type) {
                    throw CommandFailure(data: "--type must be \(MessageType.readmission) or \(MessageType.consent)")
                }
                let messageId = messageId
                let queue = options.queue
                let type = type
                try await RejectedCommand.find(messageId, options: options) { reader, delivery in
                    do {
                        let message = try Self.replayCopy(
                            of: delivery, queue: queue, body: correctedBody, type: type, agency: agency?.user, operator: reader.user)
                        let outcomes: [PublishOutcome]
                        do {
                            outcomes = try await Self.publish(message, agency: agency?.configuration, operator: reader.connection)
                        } catch {
                            throw CommandFailure.broker(error, doing: "publishing the replay")
                        }
                        guard outcomes == [.confirmed] else {
                            throw CommandFailure(temporary: "the broker did not take the replay (\(outcomes.map(\.description).joined(separator: ", "))); the message stays in \(queue.queueName)")
                        }
                        guard delivery.isAcknowledgeable else {
                            await reader.close()
                            FileHandle.standardError.write(Data("warning: replayed as \(message.properties.messageId ?? "-"), but the connection closed before the refused copy could be removed: it is back in \(queue.queueName); do not replay it again\n".utf8))
                            return
                        }
                        delivery.ack()
                        // Closing sends what is queued first: the ack reaches the broker before the close.
                        await reader.close()
                        print("replayed \(messageId) as \(message.properties.messageId ?? "-")")
                    } catch {
                        // Unacknowledged: closing returns the message to the rejected queue.
                        await reader.close()
                        let failure = CommandFailure.broker(error, doing: "replaying")
                        // Refused (77), bad data (65) or a missing exchange (66) will not pass on a retry.
                        let kind: CommandFailure.Kind = [.data, .notFound, .temporary, .permission].contains(failure.kind) ? failure.kind : .temporary
                        let stays = "; the message stays in \(queue.queueName)"
                        throw CommandFailure(kind, failure.description.hasSuffix(stays) ? failure.description : failure.description + stays)
                    }
                }
            }
        }

        /// The agency account to publish a status update with, checked before touching the queue.
        private func agencyPublisher() throws(CommandFailure) -> (configuration: AMQPConfiguration, user: String)? {
            guard options.queue.kind == .agencyUpdates else {
                if asURL != nil || asPasswordFile != nil { throw CommandFailure(usage: "--as-url is for agency-updates replays only") }
                return nil
            }
            if type != nil { throw CommandFailure(usage: "--type is for intake replays only") }
            guard let asURL = try CommandLineURL.checked(asURL, option: "--as-url", passwordFile: asPasswordFile, passwordFileOption: "--as-password-file")
            else {
                throw CommandFailure(usage: "give --as-url with the agency's account URL: a status update is replayed as the agency that sent it")
            }
            let configuration: AMQPConfiguration
            do {
                configuration = try AMQPConfiguration(url: asURL, connectionName: "reintegrationctl-replay")
            } catch {
                throw CommandFailure(usage: "--as-url is not an amqp:// URL with a user (and --as-password-file)")
            }
            guard AccountName.agencyCode(fromUserId: configuration.user) != nil else {
                throw CommandFailure(data: "--as-url must be an agency's account (agency-<code>)")
            }
            return (configuration, configuration.user)
        }

        /// A corrected body: readable, at most the contract's 64 KiB, JSON.
        static func readBody(_ path: String) throws(CommandFailure) -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(data: "--body-file cannot be read")
            }
            guard data.count <= maximumBodySize else { throw CommandFailure(data: "--body-file is larger than 64 KiB") }
            guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
                throw CommandFailure(data: "--body-file is not a JSON object")
            }
            return Array(data)
        }

        /// The message to publish: the original properties without the rejection headers,
        /// a new message_id, and where it goes.
        static func replayCopy(
            of delivery: Delivery, queue: RejectedQueue, body: [UInt8]?, type: String?, agency user: String?, operator operatorAccount: String
        ) throws(CommandFailure) -> OutgoingMessage {
            var properties = delivery.properties
            let originalUser = properties.headers[RejectionHeader.originalUserId]?.stringValue
                ?? properties.headers[RejectionHeader.onBehalfOf]?.stringValue
            for header in [RejectionHeader.reason, RejectionHeader.detail, RejectionHeader.rejectedAt, RejectionHeader.originalUserId, "x-delivery-count"] {
                properties.headers[header] = nil
            }
            properties.headers[RejectionHeader.replayOf] = .string(delivery.properties.messageId ?? "")
            properties.messageId = "replay-\(UUID().uuidString.lowercased())"
            properties.contentType = "application/json"
            properties.deliveryMode = 2
            properties.userId = nil
            switch queue.kind {
            case .intake:
                // Sent as the operator, on behalf of the system that sent the original: its
                // case is registered to that system, and a refusal returns to its queue.
                properties.headers[RejectionHeader.onBehalfOf] = (originalUser ?? queue.smsAccount).map(AMQPFieldValue.string)
                properties.userId = operatorAccount
                let routingKey = type ?? properties.type ?? ""
                guard [MessageType.readmission, MessageType.consent].contains(routingKey) else {
                    throw CommandFailure(data: "the message's type is not \(MessageType.readmission) or \(MessageType.consent): give --type")
                }
                properties.type = routingKey
                return OutgoingMessage(exchange: ExchangeName.intake, routingKey: routingKey, properties: properties, body: body ?? delivery.body)
            case .agencyUpdates:
                guard let user, let code = AccountName.agencyCode(fromUserId: user) else {
                    throw CommandFailure(usage: "give --as-url with the agency's account URL")
                }
                if let originalUser, originalUser != user {
                    throw CommandFailure(data: "the update was sent by another account; replay it with that agency's --as-url")
                }
                properties.userId = user
                properties.type = MessageType.referralStatus
                return OutgoingMessage(exchange: ExchangeName.agencyUpdates, routingKey: code, properties: properties, body: body ?? delivery.body)
            }
        }

        /// Publishes with confirms: with the agency's own connection for a status update,
        /// with the operator's for an intake record.
        static func publish(_ message: OutgoingMessage, agency: AMQPConfiguration?, operator: AMQPConnection) async throws -> [PublishOutcome] {
            guard let agency else { return try await `operator`.publish([message]) }
            let connection = try await AMQPConnection.connect(agency, logger: RejectedQueueReader.quietLogger)
            do {
                let outcomes = try await connection.publish([message])
                await connection.close()
                return outcomes
            } catch {
                await connection.close()
                throw error
            }
        }
    }
}
