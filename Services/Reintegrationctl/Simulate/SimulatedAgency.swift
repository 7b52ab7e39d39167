import AMQP
import Contract
import Foundation
import Logging
import WorkingCalendar

/// Plays one agency: reads its referral queue with its own account and answers each
/// referral the way real offices do: most promptly, some late, some decline, some ask
/// for more time (when the caller's mix says so), some never.
/// Delays are in seconds times `scale`; with the demo policy (acknowledge within 20 s,
/// complete within 60 s) "late" answers miss their deadlines and the ladder fires.
///
/// It reconnects across broker failures (another node of its URL list) and, as the
/// contract asks of agencies, deduplicates referrals by `message_id`: a redelivered
/// referral is acknowledged, counted and not answered again.
struct SimulatedAgency: Sendable {
    /// How one referral will be answered.
    enum Fate: Sendable {
        case prompt, late, decline, never
        /// Acknowledges, asks for a deadline a working week later, then completes.
        case askForMoreTime
    }

    /// The shares of the fates; what remains after prompt, late, decline and asking for
    /// more time is never answered.
    struct FateMix: Sendable {
        var prompt = 0.55
        var late = 0.20
        var decline = 0.10
        /// None by default: the fault drill reconciles status changes only.
        var askForMoreTime = 0.0
    }

    let code: String
    let url: String
    let scale: Double
    var fates = FateMix()
    let counters: SimulationCounters
    /// Told of every referral delivery and every confirmed answer (the fault drill's ledger).
    var observer: (any AgencyObserver)?
    let logger: Logger

    init(
        code: String, url: String, scale: Double, fates: FateMix = FateMix(), counters: SimulationCounters,
        observer: (any AgencyObserver)? = nil, logger: Logger
    ) {
        self.code = code
        self.url = url
        self.scale = scale
        self.fates = fates
        self.counters = counters
        self.observer = observer
        self.logger = logger
    }

    /// The agency code of an `agency-<code>` account URL (the first of a node list).
    static func code(ofAccountURL url: String) -> String? {
        let first = url.split(separator: ",", maxSplits: 1).first.map(String.init) ?? url
        guard let user = URLComponents(string: first)?.user?.removingPercentEncoding, user.hasPrefix("agency-") else { return nil }
        return String(user.dropFirst("agency-".count))
    }

    /// Answers referrals until `stop`; answers still scheduled then are left unanswered (as
    /// an office that never replied), and counted. Reading goes on until `readingEnds`
    /// returns (by default, until `stop` too).
    func run(
        seed: UInt64, until stop: ContinuousClock.Instant, readingEnds: (@Sendable () async -> Void)? = nil
    ) async throws {
        let client = AMQPClient(configuration: try AMQPConfiguration(url: url, connectionName: "simulated agency \(code)"), logger: logger)
        let subscription = await client.subscribe(queue: QueueName.referrals(agency: code), prefetch: 50)
        var random = SeededRandom(seed: seed)
        var seen = Set<String>()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                if let readingEnds { await readingEnds() } else { try? await Task.sleep(until: stop) }
                await subscription.stop()
            }
            while true {
                let batch = await subscription.next(upTo: 50)
                if batch.isEmpty { break }
                for delivery in batch {
                    delivery.ack()
                    // A decision on an extension (referral-updated.v1) is not a new referral.
                    guard delivery.properties.type != MessageType.referralUpdated else { continue }
                    guard let referral = Self.referral(in: delivery.body) else { continue }
                    let referralId = referral.id
                    let messageId = delivery.properties.messageId ?? referralId
                    let first = seen.insert(messageId).inserted
                    observer?.received(agency: code, referralId: referralId, messageId: messageId, at: Date())
                    guard first else { continue }
                    counters.update { $0.referralsReceived += 1 }
                    let fate = fate(&random)
                    let delays = (random.unit(), random.unit(), random.unit())
                    group.addTask {
                        await answer(referralId, dueBy: referral.dueBy, fate: fate, delays: delays, client: client, stop: stop)
                    }
                }
            }
            await group.waitForAll()
        }
        await client.close()
    }

    private func fate(_ random: inout SeededRandom) -> Fate {
        switch random.unit() {
        case ..<fates.prompt: return .prompt
        case ..<(fates.prompt + fates.late): return .late
        case ..<(fates.prompt + fates.late + fates.decline): return .decline
        case ..<(fates.prompt + fates.late + fates.decline + fates.askForMoreTime): return .askForMoreTime
        default: return .never
        }
    }

    /// The status updates of one referral, each after its delay (seconds × scale).
    private func answer(
        _ referralId: String, dueBy: Date?, fate: Fate, delays: (Double, Double, Double), client: AMQPClient,
        stop: ContinuousClock.Instant
    ) async {
        var steps: [(status: String, after: Double, note: String?)]
        var requestedDueBy: CivilDay?
        switch fate {
        case .prompt:
            steps = [("acknowledged", 2 + 6 * delays.0, nil), ("in-progress", 4 + 4 * delays.1, nil), ("completed", 15 + 30 * delays.2, nil)]
        case .late:
            steps = [("acknowledged", 25 + 15 * delays.0, nil), ("in-progress", 5, nil), ("completed", 45 + 30 * delays.2, nil)]
        case .decline:
            steps = [("acknowledged", 3 + 5 * delays.0, nil), ("declined", 8 + 10 * delays.1, "Outside this office's remit; please route to the district authority.")]
        case .askForMoreTime:
            // A working week after the deadline's local day (Asia/Baku), as an office would ask.
            requestedDueBy = dueBy.map { WorkingCalendar().localDay(of: $0).advanced(by: 7) }
            steps = [
                ("acknowledged", 2 + 6 * delays.0, nil),
                ("extension-requested", 5 + 5 * delays.1, "The person's documents are still at the consulate; we need another week."),
                ("completed", 60 + 30 * delays.2, nil),
            ]
            if requestedDueBy == nil { steps.remove(at: 1) }
        case .never:
            counters.update { $0.leftUnanswered += 1 }
            return
        }
        for step in steps {
            let wake = ContinuousClock.now + .milliseconds(Int64(step.after * scale * 1000))
            guard wake < stop else {
                counters.update { $0.leftUnanswered += 1 }
                return
            }
            try? await Task.sleep(until: wake)
            let requested = step.status == "extension-requested" ? requestedDueBy : nil
            guard await publish(referralId, status: step.status, note: step.note, requestedDueBy: requested, client: client) else {
                return
            }
        }
    }

    private func publish(
        _ referralId: String, status: String, note: String?, requestedDueBy: CivilDay? = nil, client: AMQPClient
    ) async -> Bool {
        var update: [String: Any] = [
            "schema": MessageType.referralStatus, "referralId": referralId, "status": status,
            "at": Timestamp.format(Date()), "officer": "Simulated officer",
        ]
        if let note { update["note"] = note }
        if let requestedDueBy { update["requestedDueBy"] = requestedDueBy.description }
        guard let body = try? JSONSerialization.data(withJSONObject: update, options: [.sortedKeys]) else { return false }
        let messageId = UUID().uuidString.lowercased()
        var properties = MessageProperties(contentType: "application/json", deliveryMode: 2, messageId: messageId, type: MessageType.referralStatus)
        // The broker checks user_id against the account; the referral service trusts only that.
        properties.userId = "agency-\(code)"
        let message = OutgoingMessage(exchange: ExchangeName.agencyUpdates, routingKey: code, properties: properties, body: Array(body))
        guard (try? await client.publish([message])) == [.confirmed] else {
            counters.update { $0.publishFailures += 1 }
            logger.warning("status update not confirmed", metadata: ["agency": "\(code)", "referralId": "\(referralId)"])
            return false
        }
        observer?.answered(agency: code, referralId: referralId, messageId: messageId, status: status)
        counters.update { counts in
            switch status {
            case "acknowledged": counts.acknowledged += 1
            case "completed": counts.completed += 1
            case "declined": counts.declined += 1
            case "extension-requested": counts.extensionsRequested += 1
            default: break
            }
        }
        return true
    }

    /// The referral's id and deadline, from a `referral.v1` body.
    private static func referral(in body: [UInt8]) -> (id: String, dueBy: Date?)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let id = object["referralId"] as? String
        else { return nil }
        return (id, (object["dueBy"] as? String).flatMap(Timestamp.parse))
    }
}
