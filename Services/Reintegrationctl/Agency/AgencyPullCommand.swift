import AMQP
import ArgumentParser
import Contract
import Foundation
import ServiceKit
import Synchronization

extension AgencyCommand {
    /// `reintegrationctl agency pull --to DIR`: takes what waits in the agency's queue into
    /// files, acknowledging each message only once its file is on disk.
    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take every referral waiting in your queue into a folder, one JSON file each, and list them in referrals.csv.",
            discussion: """
                Each referral is written to DIR/<referralId>.json (written whole and synced to disk before the \
                broker is told it may forget it), and referrals.csv is rebuilt from those files: one row per \
                referral, however often it was delivered. Deadline decisions (referral-updated.v1) are kept in \
                DIR/updates/ and change the row's due-by. A message that cannot be read is kept in DIR/unreadable/ \
                with a .txt saying why. Safe to run from cron every minute: a second run while one works in \
                the same folder does nothing and exits 75.
                Exit codes: 0 done; 64 wrong usage; 66 no such queue; 69 broker unreachable; 73 a file cannot \
                be written (nothing unwritten was acknowledged); 75 another pull holds the folder; 77 login or \
                permission refused.
                """)

        @OptionGroup var agency: AgencyOptions

        @Option(help: "The folder to keep referrals in (created when missing).")
        var to: String

        @Option(help: "Seconds without a new message after which the queue counts as empty.")
        var wait: Double = 3

        /// Test hook: the process kills itself (SIGKILL) after saving this many messages and
        /// before acknowledging the last of them, as a power cut would.
        static let crashHook = "REINTEGRATIONCTL_TEST_AGENCY_PULL_KILL_AFTER"

        func validate() throws {
            guard wait > 0, wait <= 600 else { throw ValidationError(agency.text.outOfRange("--wait", "0–600")) }
        }

        func run() async throws {
            let text = agency.text
            try await CommandFailure.reporting(prefix: text.errorPrefix) {
                let folder = ReferralFolder(directory: URL(fileURLWithPath: to, isDirectory: true))
                do {
                    try folder.prepare()
                } catch let error as DurableFile.WriteError {
                    throw CommandFailure(.cannotCreate, text.cannotWrite(error.path, error.reason))
                }
                let lock: DirectoryLock
                do {
                    guard let taken = try DirectoryLock(directory: folder.directory) else {
                        throw CommandFailure(.temporary, text.directoryBusy(to))
                    }
                    lock = taken
                } catch let error as DurableFile.WriteError {
                    throw CommandFailure(.cannotCreate, text.cannotWrite(error.path, error.reason))
                }
                folder.removePartialWrites()
                let broker = try await AgencyBroker.connect(agency, purpose: "pull")
                var counts = PullCounts()
                do {
                    counts = try await take(from: broker, into: folder, text: text)
                } catch {
                    // Whatever was not acknowledged goes back to the queue when the connection closes.
                    await broker.connection.close()
                    throw error
                }
                await broker.connection.close()
                let (entries, _) = folder.entries()
                do {
                    try folder.writeCSV(entries)
                } catch let error as DurableFile.WriteError {
                    throw CommandFailure(.cannotCreate, text.cannotWrite(error.path, error.reason))
                }
                print(text.pullSummary(
                    referrals: counts.referrals, updates: counts.updates, keptAside: counts.keptAside, listed: entries.count,
                    csv: folder.csv.path))
                withExtendedLifetime(lock) {}
            }
        }

        struct PullCounts {
            var referrals = 0
            var updates = 0
            var keptAside = 0
            var total: Int { referrals + updates + keptAside }
        }

        /// Reads the queue until it has been quiet for `wait` seconds, saving then
        /// acknowledging each message in turn.
        private func take(from broker: AgencyBroker, into folder: ReferralFolder, text: AgencyText) async throws -> PullCounts {
            let queue = QueueName.referrals(agency: broker.code)
            let consumer: AMQPConsumer
            do {
                consumer = try await broker.connection.consume(queue: queue, prefetch: 100)
            } catch {
                throw AgencyBroker.failure(error, text: text, doing: "reading \(queue)")
            }
            let lastArrival = Mutex(ContinuousClock.now)
            let idle = Duration.milliseconds(Int(wait * 1000))
            // Stops the consumer once nothing arrived for `idle`; what was delivered is still handled.
            let watchdog = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(100))
                    if ContinuousClock.now - lastArrival.withLock({ $0 }) >= idle {
                        try? await consumer.cancel()
                        return
                    }
                }
            }
            defer { watchdog.cancel() }
            let killAfter = EnvironmentReader().string(Self.crashHook).flatMap(Int.init)
            var counts = PullCounts()
            do {
                for try await delivery in consumer.deliveries {
                    lastArrival.withLock { $0 = .now }
                    try save(delivery, into: folder, text: text, counts: &counts)
                    if let killAfter, counts.total >= killAfter { kill(getpid(), SIGKILL) }
                    delivery.ack()
                    lastArrival.withLock { $0 = .now }
                }
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw AgencyBroker.failure(error, text: text, doing: "reading \(queue)")
            }
            return counts
        }

        private func save(_ delivery: Delivery, into folder: ReferralFolder, text: AgencyText, counts: inout PullCounts) throws {
            let body = delivery.body
            do {
                if let referral = PulledReferral.parse(body) {
                    try folder.save(referral, body: body)
                    counts.referrals += 1
                    print(text.savedReferral(
                        ContractID.text(referral.referralId), district: referral.person?.district ?? "-",
                        dueBy: ReferralFolder.local(referral.dueBy)))
                } else if let notice = ReferralUpdateNotice.parse(body) {
                    try folder.save(notice, body: body, messageId: delivery.properties.messageId)
                    counts.updates += 1
                    print(text.savedUpdate(ContractID.text(notice.referralId), dueBy: notice.dueBy, reason: notice.reason))
                } else {
                    let why = Self.whyUnreadable(body, text: text)
                    let path = try folder.keepAside(
                        body: body, why: why, type: delivery.properties.type, messageId: delivery.properties.messageId,
                        routingKey: delivery.routingKey)
                    counts.keptAside += 1
                    print(text.keptAside(path, why))
                }
            } catch {
                throw CommandFailure(.cannotCreate, text.cannotWrite(error.path, error.reason))
            }
        }

        /// Why a body is neither a referral nor an update notice, naming a field, never a value.
        static func whyUnreadable(_ body: [UInt8], text: AgencyText) -> String {
            guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return text.notJSONObject }
            let schema = object["schema"] as? String ?? "-"
            guard schema == MessageType.referral || schema == ReferralUpdateNotice.schemaName else { return text.unknownType(schema) }
            let required = schema == MessageType.referral
                ? ["referralId", "caseId", "issuedAt", "acknowledgeBy", "dueBy", "needs"] : ["referralId", "dueBy", "reason"]
            let field = required.first { name in
                guard let value = object[name] else { return true }
                switch name {
                case "needs": return !(value is [String])
                case "referralId", "caseId": return (value as? String).flatMap(UUID.init(uuidString:)) == nil
                case "issuedAt", "acknowledgeBy": return (value as? String).flatMap(Timestamp.parse) == nil
                default: return !(value is String)
                }
            }
            return text.missingField(field ?? "dueBy")
        }
    }
}
