import AMQP
import ArgumentParser
import Contract
import Foundation

extension RejectedCommand {
    /// Moves v1's single `intake.rejected` queue into v1.1's per-system queues: each message
    /// is published to the exchange `intake.rejected` under its sender's account (from
    /// `x-original-user-id`), or `unattributed`, and taken off the old queue only once the
    /// broker confirmed the copy. Safe to run again after any failure.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move the refusals of v1's intake.rejected queue into the per-system intake.rejected.* queues.",
            discussion: """
                Run once after the v1.1 intake service has started (it declares the exchange \
                intake.rejected). A message whose x-original-user-id names an SMS system goes to \
                intake.rejected.<account>; one without, or of a system with no queue of its own, to \
                intake.rejected.unattributed. Each message leaves the old queue only after the broker \
                confirmed its copy; a run that fails leaves the rest where it was (exit 75: run it again). \
                Connect with an operator account. The emptied queue is then deleted by an administrator \
                (rabbitmqctl delete_queue -p <vhost> intake.rejected --if-empty).
                Exit codes: 0 done (or nothing to move); 64 wrong usage; 69 broker unreachable; 75 a copy \
                was not confirmed (run again); 77 login or operation refused.
                """)

        @OptionGroup var connection: OperatorConnection

        @Option(help: "Messages moved per confirmed batch (1–1000).")
        var batch: UInt16 = 200

        func validate() throws {
            guard (1...1000).contains(batch) else { throw ValidationError("--batch must be between 1 and 1000") }
        }

        func run() async throws {
            try await CommandFailure.reporting {
                var options = try ReadOptions.parse([QueueName.intakeRejectedV1, "--limit", String(batch), "--wait", "1"])
                options.connection = connection
                var moved: [String: Int] = [:]
                while true {
                    let reader = try await options.open()
                    let deliveries: [Delivery]
                    do {
                        deliveries = try await reader.read(limit: batch, idle: options.idle)
                    } catch let failure as CommandFailure where failure.kind == .notFound {
                        await reader.close()
                        print("nothing to move: \(QueueName.intakeRejectedV1) does not exist on this vhost")
                        return
                    }
                    guard !deliveries.isEmpty else {
                        await reader.close()
                        break
                    }
                    let copies = deliveries.map(Self.copy(of:))
                    let outcomes: [PublishOutcome]
                    do {
                        outcomes = try await reader.connection.publish(copies)
                    } catch {
                        await reader.close()
                        throw CommandFailure.broker(error, doing: "publishing to \(ExchangeName.intakeRejected)")
                    }
                    for (delivery, (copy, outcome)) in zip(deliveries, zip(copies, outcomes)) where outcome == .confirmed {
                        delivery.ack()
                        moved[copy.routingKey, default: 0] += 1
                    }
                    await reader.close()
                    let unconfirmed = outcomes.filter { $0 != .confirmed }.count
                    if unconfirmed > 0 {
                        throw CommandFailure(temporary: "\(unconfirmed) message(s) were not taken by \(ExchangeName.intakeRejected) and stay in \(QueueName.intakeRejectedV1); run migrate again")
                    }
                }
                for (key, count) in moved.sorted(by: { $0.key < $1.key }) {
                    let queue = key == RejectionRoutingKey.unattributed ? QueueName.intakeRejectedUnattributed : QueueName.intakeRejected(account: key)
                    print("moved \(count) to \(queue) (or \(QueueName.intakeRejectedUnattributed) if that queue does not exist)")
                }
                print("\(QueueName.intakeRejectedV1) is empty: an administrator can now delete it (rabbitmqctl delete_queue -p <vhost> \(QueueName.intakeRejectedV1) --if-empty)")
            }
        }

        /// The refused message unchanged, addressed to its sender's queue.
        static func copy(of delivery: Delivery) -> OutgoingMessage {
            var properties = delivery.properties
            properties.userId = nil
            properties.headers["x-delivery-count"] = nil
            let sender = properties.headers[RejectionHeader.originalUserId]?.stringValue
            let routingKey = sender.flatMap { PartyAccount(userName: $0)?.kind == .sms ? $0 : nil } ?? RejectionRoutingKey.unattributed
            return OutgoingMessage(exchange: ExchangeName.intakeRejected, routingKey: routingKey, properties: properties, body: delivery.body)
        }
    }
}
