import AMQP
import ArgumentParser
import Contract
import Foundation
import ServiceKit

/// `reintegrationctl rejected …`: inspect and replay the messages the cluster refused, in
/// the `intake.rejected.*` queues and `agency.updates.rejected`, and move v1's single
/// `intake.rejected` queue into the per-system queues.
///
/// Exit codes: 0 done; 64 wrong usage; 65 the replay's input breaks a rule (body not JSON or
/// too large, no routable type, wrong agency account); 66 no message with that id (or no
/// such queue); 69 the broker cannot be reached; 75 the replay was not confirmed (the
/// message stays in the rejected queue: try again); 77 the broker refused the login or the
/// operation; 1 otherwise.
struct RejectedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejected",
        abstract: "List, show and replay refused messages (intake.rejected.*, agency.updates.rejected).",
        discussion: """
            Reading never removes a message: the tool holds what it read unacknowledged and returns it \
            to the queue when it closes. Each reading adds one to a message's x-delivery-count header; the \
            rejected queues have no delivery limit, so nothing is dropped. Only replay removes a message, \
            after the broker confirmed the replayed copy. Connect with an operator account \
            (accounts create operator <name>).
            Exit codes: 0 done; 64 wrong usage; 65 bad replay input (body not JSON or over 64 KiB, no             routable type, another agency's account); 66 no message with that id; 69 broker unreachable;             75 replay not confirmed, the message stays (try again); 77 login or operation refused.
            """,
        subcommands: [List.self, Show.self, Replay.self, Migrate.self]
    )

    /// A rejected queue, as operators name it: `agency-updates`, an SMS system's account
    /// (`sms-<name>`, for `intake.rejected.sms-<name>`), `unattributed`, or a full queue name.
    struct RejectedQueue: ExpressibleByArgument, Equatable {
        enum Kind { case intake, agencyUpdates }

        var queueName: String
        var kind: Kind

        init?(argument: String) {
            switch argument {
            case "agency-updates", ExchangeName.agencyUpdates, QueueName.agencyUpdatesRejected:
                self.init(queueName: QueueName.agencyUpdatesRejected, kind: .agencyUpdates)
            case "unattributed":
                self.init(queueName: QueueName.intakeRejectedUnattributed, kind: .intake)
            case _ where argument == QueueName.intakeRejectedV1 || argument.hasPrefix(QueueName.intakeRejectedV1 + "."):
                self.init(queueName: argument, kind: .intake)
            case _ where PartyAccount(userName: argument)?.kind == .sms:
                self.init(queueName: QueueName.intakeRejected(account: argument), kind: .intake)
            default:
                return nil
            }
        }

        init(queueName: String, kind: Kind) {
            self.queueName = queueName
            self.kind = kind
        }

        /// The SMS system whose refusals the queue holds, when it is one system's.
        var smsAccount: String? {
            let prefix = QueueName.intakeRejectedV1 + "."
            guard kind == .intake, queueName.hasPrefix(prefix) else { return nil }
            let account = String(queueName.dropFirst(prefix.count))
            return PartyAccount(userName: account)?.kind == .sms ? account : nil
        }
    }

    /// The operator account the commands connect with.
    struct OperatorConnection: ParsableArguments {
        @Option(help: "An operator account's URL without its password, amqp://operator-<name>@host:port/vhost, with --password-file (default: $OPERATOR_AMQP_URL, which may hold the password).")
        var amqpURL: String?

        @Option(help: "A file (mode 600) whose first line is the password of --amqp-url's account.")
        var passwordFile: String?

        /// The URL to connect with: the option's with the file's password, else the environment's.
        func url() throws(CommandFailure) -> String {
            let given = try CommandLineURL.checked(amqpURL, option: "--amqp-url", passwordFile: passwordFile, passwordFileOption: "--password-file")
            guard let url = given ?? EnvironmentReader().string("OPERATOR_AMQP_URL"), !url.isEmpty else {
                throw CommandFailure(usage: "give --amqp-url (or set OPERATOR_AMQP_URL): an operator account's amqp:// URL")
            }
            return url
        }
    }

    /// The broker connection and how much to read.
    struct ReadOptions: ParsableArguments {
        @Argument(help: "An SMS system's account (sms-<name>: intake.rejected.sms-<name>), unattributed (intake.rejected.unattributed), agency-updates (agency.updates.rejected), or a full intake.rejected.* queue name.")
        var queue: RejectedQueue

        @OptionGroup var connection: OperatorConnection

        @Option(help: "Read at most this many messages (1–65535); the rest of the queue stays unread.")
        var limit: UInt16 = 1000

        @Option(help: "Seconds without a new message after which the queue counts as read to its end.")
        var wait: Double = 2

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
            guard wait > 0, wait <= 600 else { throw ValidationError("--wait must be between 0 and 600 seconds") }
        }

        func open() async throws(CommandFailure) -> RejectedQueueReader {
            try await RejectedQueueReader.open(url: connection.url(), queue: queue.queueName)
        }

        var idle: Duration { .milliseconds(Int(wait * 1000)) }
    }

    /// When a message was refused: the cluster's `x-rejected-at`, else its own timestamp.
    static func when(_ delivery: Delivery) -> String {
        if let rejectedAt = delivery.properties.headers[RejectionHeader.rejectedAt]?.stringValue { return rejectedAt }
        guard let timestamp = delivery.properties.timestamp else { return "-" }
        return ISO8601DateFormatter().string(from: timestamp)
    }

    /// Tabs and line breaks would break the list's columns.
    static func cell(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "-" }
        return String(text.map { $0 == "\t" || $0.isNewline ? " " : $0 })
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List refused messages: message id, type, reason, detail, when. Never the bodies.",
            discussion: "Columns are tab-separated. The detail names the refused field, not its value.")
        @OptionGroup var options: ReadOptions

        func run() async throws {
            try await CommandFailure.reporting {
                let reader = try await options.open()
                let deliveries: [Delivery]
                do {
                    deliveries = try await reader.read(limit: options.limit, idle: options.idle)
                } catch {
                    await reader.close()
                    throw error
                }
                await reader.close()
                print(["message-id", "type", "reason", "detail", "when", "deliveries"].joined(separator: "\t"))
                for delivery in deliveries {
                    let headers = delivery.properties.headers
                    print([
                        cell(delivery.properties.messageId), cell(delivery.properties.type),
                        cell(headers[RejectionHeader.reason]?.stringValue), cell(headers[RejectionHeader.detail]?.stringValue),
                        when(delivery), String(delivery.previousDeliveries + 1),
                    ].joined(separator: "\t"))
                }
                if deliveries.count == Int(options.limit) {
                    FileHandle.standardError.write(Data("note: stopped at --limit \(options.limit); more messages may follow\n".utf8))
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one refused message: its properties, headers and body.",
            discussion: """
                The body is printed as received: it may hold personal data, shown so an operator can \
                correct it (save it, fix it, then replay --body-file). Do not paste it into tickets or chats.
                """)
        @OptionGroup var options: ReadOptions
        @Argument(help: "The message's message_id (from rejected list).") var messageId: String

        func run() async throws {
            try await CommandFailure.reporting {
                let delivery = try await RejectedCommand.find(messageId, options: options) { reader, delivery in
                    await reader.close()
                    return delivery
                }
                let properties = delivery.properties
                let fields: [(String, String?)] = [
                    ("message_id", properties.messageId), ("type", properties.type), ("content_type", properties.contentType),
                    ("user_id", properties.userId), ("app_id", properties.appId), ("correlation_id", properties.correlationId),
                    ("reply_to", properties.replyTo), ("timestamp", properties.timestamp.map { ISO8601DateFormatter().string(from: $0) }),
                ]
                for case let (name, value?) in fields { print("\(name): \(cell(value))") }
                for (name, value) in properties.headers.sorted(by: { $0.key < $1.key }) {
                    print("header \(name): \(cell(value.description))")
                }
                print("")
                // Through print, like the lines above, so stdout keeps their order.
                let text = String(decoding: delivery.body, as: UTF8.self)
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            }
        }
    }

    /// Reads until the message with `messageId` arrives and hands it, still held, to `body`;
    /// the reader is closed (returning everything unacknowledged) when it is not found.
    static func find<T>(
        _ messageId: String, options: ReadOptions, _ body: (RejectedQueueReader, Delivery) async throws -> T
    ) async throws -> T {
        let reader = try await options.open()
        let deliveries: [Delivery]
        do {
            deliveries = try await reader.read(limit: options.limit, idle: options.idle) { $0.properties.messageId == messageId }
        } catch {
            await reader.close()
            throw error
        }
        guard let delivery = deliveries.first(where: { $0.properties.messageId == messageId }) else {
            await reader.close()
            throw CommandFailure(notFound: "no message with that message_id in \(options.queue.queueName) (among the first \(deliveries.count))")
        }
        return try await body(reader, delivery)
    }
}
