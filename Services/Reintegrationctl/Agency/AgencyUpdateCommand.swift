import AMQP
import ArgumentParser
import Contract
import Foundation
import ReferralDomain
import WorkingCalendar

extension AgencyCommand {
    /// `reintegrationctl agency update REFERRAL_ID STATUS`: sends one `referral-status.v1`
    /// with a reply address and prints the cluster's `referral-status-outcome.v1`.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tell the cluster a referral's new status (or ask for more time) and print what it answered.",
            discussion: """
                STATUS is acknowledged, in-progress, completed, declined (needs --note) or extension-requested \
                (needs --due-by, a date in Asia/Baku later than the current due-by, and --note). The update is \
                published with your account as user_id and your agency code as routing key, and the answer \
                comes back on RabbitMQ's direct reply-to. With --folder (the folder agency pull writes to), the \
                status the cluster answered with is recorded in FOLDER/statuses/<referral id>.json, so that \
                agency list shows it and no longer counts a completed or declined referral as overdue.
                Exit codes: 0 applied or duplicate (nothing changed); 64 wrong usage; 65 refused (the reason \
                is printed; nothing changed); 69 broker unreachable or the update not confirmed (nothing was \
                sent); 73 applied, but not recorded in --folder (run the same command again: a repeat is \
                answered duplicate and recorded); 75 sent, but no answer within --timeout (it may still be \
                applied: run the same command again, a repeat is answered duplicate); 77 login or permission \
                refused.
                """)

        @OptionGroup var agency: AgencyOptions

        @Argument(help: "The referral's id, as in its file name.")
        var referralId: String

        @Argument(help: "acknowledged, in-progress, completed, declined or extension-requested.")
        var status: String

        @Option(help: "A note for the working group (required for declined and extension-requested).")
        var note: String?

        @Option(help: "Who at the agency made the change.")
        var officer: String?

        @Option(help: "For extension-requested: the date asked for, YYYY-MM-DD (Asia/Baku).")
        var dueBy: String?

        @Option(help: "Seconds to wait for the answer.")
        var timeout: Int = 30

        @Option(help: "The folder agency pull writes to: the status the cluster answered with is recorded there for agency list.")
        var folder: String?

        static let statuses = ["acknowledged", "in-progress", "completed", "declined", "extension-requested"]
        static let extensionRequested = "extension-requested"

        func validate() throws {
            let text = agency.text
            guard UUID(uuidString: referralId) != nil else { throw ValidationError(text.badReferralId) }
            guard Self.statuses.contains(status) else { throw ValidationError(text.badStatus(Self.statuses.joined(separator: ", "))) }
            let hasNote = note.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false
            if status == "declined", !hasNote { throw ValidationError(text.declineNeedsNote) }
            if status == Self.extensionRequested {
                guard let dueBy, CivilDay(dueBy) != nil else { throw ValidationError(text.extensionNeedsDate) }
                guard hasNote else { throw ValidationError(text.extensionNeedsNote) }
            } else if dueBy != nil {
                throw ValidationError(text.dueByOnlyForExtension)
            }
            guard (1...3600).contains(timeout) else { throw ValidationError(text.outOfRange("--timeout", "1–3600")) }
            if let folder {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw ValidationError(text.noDirectory(folder))
                }
            }
        }

        func run() async throws {
            let text = agency.text
            try await CommandFailure.reporting(prefix: text.errorPrefix) {
                let broker = try await AgencyBroker.connect(agency, purpose: "update")
                let outcome: StatusOutcome?
                do {
                    outcome = try await send(through: broker, text: text)
                } catch {
                    await broker.connection.close()
                    throw error
                }
                await broker.connection.close()
                guard let outcome else { throw CommandFailure(.temporary, text.timedOut(seconds: timeout)) }
                let id = outcome.referralId.map(ContractID.text) ?? referralId.lowercased()
                switch outcome.outcome {
                case .applied where status == Self.extensionRequested:
                    print(text.extensionRecorded(id, dueBy: dueBy ?? "-", status: outcome.status ?? "-"))
                case .applied:
                    print(text.applied(id, status: outcome.status ?? status))
                case .duplicate:
                    print(text.duplicate(id, status: outcome.status ?? status))
                case .refused:
                    throw CommandFailure(.data, text.refused(outcome.reason ?? "-", detail: outcome.detail))
                }
                try record(outcome, text: text)
            }
        }

        /// Records in `--folder` the status the cluster answered an applied or duplicate update with.
        private func record(_ outcome: StatusOutcome, text: AgencyText) throws {
            guard let folder, let id = outcome.referralId ?? UUID(uuidString: referralId),
                  let status = outcome.status.flatMap(ReferralStatus.init(rawValue:))
            else { return }
            do {
                try ReferralFolder(directory: URL(fileURLWithPath: folder, isDirectory: true))
                    .record(AppliedStatus(referralId: id, status: status, confirmedAt: Date()))
            } catch {
                throw CommandFailure(.cannotCreate, text.statusNotRecorded(error.path, error.reason))
            }
        }

        /// The update's body as the contract spells it.
        func body(at now: Date) -> [UInt8] {
            var object: [String: String] = [
                "schema": MessageType.referralStatus, "referralId": referralId.lowercased(), "status": status,
                "at": Timestamp.format(now, in: WorkingCalendar.bakuTimeZone),
            ]
            object["note"] = note
            object["officer"] = officer
            if status == Self.extensionRequested { object["requestedDueBy"] = dueBy }
            return (try? ContractCoding.encode(object)) ?? []
        }

        /// Publishes the update and waits for its answer; nil when none came in time.
        private func send(through broker: AgencyBroker, text: AgencyText) async throws -> StatusOutcome? {
            let replies: AMQPConsumer
            do {
                replies = try await broker.connection.consumeDirectReplies()
            } catch {
                throw AgencyBroker.failure(error, text: text, doing: "listening for the answer")
            }
            let correlationId = UUID().uuidString.lowercased()
            var properties = MessageProperties.persistentJSON(
                messageId: UUID().uuidString.lowercased(), type: MessageType.referralStatus, userId: broker.user)
            properties.correlationId = correlationId
            properties.replyTo = AMQPConnection.directReplyTo
            let message = OutgoingMessage(
                exchange: ExchangeName.agencyUpdates, routingKey: broker.code, properties: properties, body: body(at: Date()))
            let published: [PublishOutcome]
            do {
                published = try await broker.connection.publish([message])
            } catch {
                throw AgencyBroker.failure(error, text: text, doing: "sending the update")
            }
            guard published == [.confirmed] else { throw CommandFailure(.unavailable, text.notConfirmed) }
            let limit = Duration.seconds(timeout)
            return try await withThrowingTaskGroup(of: StatusOutcome?.self) { group in
                group.addTask {
                    for try await delivery in replies.deliveries where delivery.properties.correlationId == correlationId {
                        guard let outcome = try? ContractCoding.decode(StatusOutcome.self, from: delivery.body) else {
                            throw CommandFailure(.failed, text.unreadableOutcome)
                        }
                        return outcome
                    }
                    return nil
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
        }
    }
}
