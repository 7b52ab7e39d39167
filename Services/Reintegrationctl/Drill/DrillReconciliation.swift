import Contract
import EscalationOperations
import Foundation
import IntakeOperations
import NotificationOperations
import Postgres
import ReferralDomain
import ReferralOperations

/// Reconciles a drill's ledger with the database and the mailbox: one line per check,
/// and the figures of the drill's last line.
struct DrillReconciliation {
    struct Check {
        var name: String
        var passed: Bool
        var detail: String

        var line: String { "check \(name): \(passed ? "ok" : "FAILED") (\(detail))" }
    }

    /// What the services hold for the drill's records (those whose SMS reference starts with the prefix).
    struct Stored: Sendable {
        /// SMS reference → case ids.
        var cases: [String: [String]] = [:]
        var refused: Set<String> = []
        /// Case id → the case-opened event as routed, and the agencies it was referred to.
        var caseEvents: [String: [UInt8]] = [:]
        var referralsByCase: [String: [(referralId: String, agency: String)]] = [:]
        /// Referral id → SMS reference of its record.
        var recordOfReferral: [String: String] = [:]
        /// Status-update message ids of the drill's referrals → rows in the history.
        var appliedAnswers: [String: Int] = [:]
        /// Refused status-update message ids → the refusal's reason.
        var refusedAnswers: [String: String] = [:]
        /// Referral id → the statuses its history holds.
        var appliedStatuses: [String: Set<String>] = [:]
        var stepsFired = 0
        var stepsFiredTwice = 0
        /// Email deliveries recorded as sent for the drill's referrals (their ids).
        var sentEmails: [String] = []
        var sentWebhooks = 0
    }

    var checks: [Check] = []
    var lost = 0
    var duplicatedEffects = 0
    var maxRecovery: Double = 0

    /// The drill's cases and referrals, each read from its owner and joined here by id.
    private struct DrillCases {
        var cases: [IntakeCaseReference]
        var referrals: [CaseReferral]

        init(prefix: String, on connection: PostgresConnection) throws {
            cases = try IntakeCaseRegister().cases(referencePrefix: prefix, on: connection)
            referrals = try ReferralCaseRecords().referrals(caseIds: cases.map(\.caseId), on: connection)
        }

        var referralIds: [UUID] { referrals.map(\.referralId) }
    }

    /// What the four services hold for the drill's records, a handful of statements however
    /// many records ran: each owner is asked once, with the ids as one array parameter.
    static func read(prefix: String, since start: Date, on connection: PostgresConnection) throws -> Stored {
        var stored = Stored()
        let drill = try DrillCases(prefix: prefix, on: connection)
        var recordOfCase: [UUID: String] = [:]
        for opened in drill.cases {
            stored.cases[opened.smsReference, default: []].append(OperatorTime.identifier(opened.caseId))
            recordOfCase[opened.caseId] = opened.smsReference
        }
        stored.refused = try IntakeCaseRegister().refusedReferences(referencePrefix: prefix, on: connection)
        let referralRecords = ReferralCaseRecords()
        for (caseId, event) in try referralRecords.caseEvents(caseIds: drill.cases.map(\.caseId), on: connection) {
            stored.caseEvents[OperatorTime.identifier(caseId)] = event
        }
        for issued in drill.referrals {
            let referralId = OperatorTime.identifier(issued.referralId)
            stored.referralsByCase[OperatorTime.identifier(issued.caseId), default: []].append((referralId, issued.agency))
            stored.recordOfReferral[referralId] = recordOfCase[issued.caseId]
        }
        for change in try referralRecords.statusChanges(referralIds: drill.referralIds, on: connection) {
            if let messageId = change.messageId { stored.appliedAnswers[messageId, default: 0] += 1 }
            stored.appliedStatuses[OperatorTime.identifier(change.referralId), default: []].insert(change.toStatus)
        }
        stored.refusedAnswers = try referralRecords.refusedUpdates(since: start, on: connection)
        let steps = try EscalationRecords().firedCount(referralIds: drill.referralIds, on: connection)
        stored.stepsFired = steps.fired
        stored.stepsFiredTwice = steps.firedTwice
        for delivery in try DeliveryRecords().sent(referralIds: drill.referralIds, on: connection) {
            if delivery.channel == "email" { stored.sentEmails.append(OperatorTime.identifier(delivery.id)) } else { stored.sentWebhooks += 1 }
        }
        return stored
    }

    /// What still moves: valid records without a case, referrals not yet at their agency,
    /// ladder steps due and not fired, deliveries not yet sent. The drill waits for zero.
    static func inFlight(prefix: String, ledger: DrillLedger.Entries, on connection: PostgresConnection) throws -> Int {
        let drill = try DrillCases(prefix: prefix, on: connection)
        let unreceived = drill.referrals.filter { ledger.firstReceipts[OperatorTime.identifier($0.referralId)] == nil }.count
        let valid = ledger.records.values.filter(\.valid).count
        return max(0, valid - drill.cases.count) + unreceived
            + (try EscalationRecords().dueStepCount(referralIds: drill.referralIds, on: connection))
            + (try DeliveryRecords().dueCount(referralIds: drill.referralIds, on: connection))
    }

    init(ledger: DrillLedger.Entries, stored: Stored, router: Router, events: DrillEvents, mail: [String: Int]) {
        records(ledger, stored)
        referrals(ledger, stored, router)
        answers(ledger, stored)
        ladderAndMail(stored, mail)
        recovery(ledger, stored, events)
        for check in events.checks {
            let name = check.text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? "script"
            let detail = check.text.split(separator: ":", maxSplits: 1).dropFirst().first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            checks.append(Check(name: name, passed: check.passed, detail: detail))
        }
    }

    private mutating func records(_ ledger: DrillLedger.Entries, _ stored: Stored) {
        let valid = ledger.records.filter(\.value.valid).map(\.key)
        let invalid = ledger.records.filter { !$0.value.valid }.map(\.key)
        let missing = valid.filter { stored.cases[$0] == nil }.count
        let twice = stored.cases.values.filter { $0.count > 1 }.count
        let invalidWithCase = invalid.filter { stored.cases[$0] != nil }.count
        let invalidUnrefused = invalid.filter { !stored.refused.contains($0) }.count
        lost += missing + invalidUnrefused
        duplicatedEffects += twice + invalidWithCase
        checks.append(Check(
            name: "cases", passed: missing == 0 && twice == 0 && invalidWithCase == 0 && invalidUnrefused == 0,
            detail: "\(valid.count) valid records: \(valid.count - missing) with one case, \(missing) without, \(twice) with more than one; "
                + "\(invalid.count) invalid: \(invalid.count - invalidUnrefused) refused, \(invalidWithCase) opened a case"))
    }

    private mutating func referrals(_ ledger: DrillLedger.Entries, _ stored: Stored, _ router: Router) {
        var unrouted = 0, misrouted = 0, undecodable = 0, expected = 0
        for caseIds in stored.cases.values {
            for caseId in caseIds {
                guard let event = stored.caseEvents[caseId] else {
                    unrouted += 1
                    continue
                }
                guard let opened = try? ContractCoding.decode(CaseOpened.self, from: event) else {
                    undecodable += 1
                    continue
                }
                let planned = opened.awaitingConsent ? [] : router.plan(for: opened).map(\.agency).sorted()
                expected += planned.count
                if (stored.referralsByCase[caseId] ?? []).map(\.agency).sorted() != planned { misrouted += 1 }
            }
        }
        let issued = stored.recordOfReferral.keys
        let notReceived = issued.filter { ledger.firstReceipts[$0] == nil }.count
        let wrongQueue = stored.referralsByCase.values.joined().filter { referral in
            ledger.firstReceipts[referral.referralId].map { $0.agency != referral.agency } ?? false
        }.count
        let deliveries = issued.map { ledger.deliveries["referral:\($0)"] ?? 0 }
        let redeliveries = deliveries.reduce(0) { $0 + max(0, $1 - 1) }
        let redelivered = deliveries.filter { $0 > 1 }.count
        lost += unrouted + misrouted + undecodable + notReceived
        checks.append(Check(
            name: "referrals", passed: unrouted + misrouted + undecodable + notReceived + wrongQueue == 0,
            detail: "\(issued.count) issued of \(expected) the routing asks for; \(unrouted) cases not routed, \(misrouted) with other agencies; "
                + "\(issued.count - notReceived) reached their agency's queue, \(notReceived) never, \(wrongQueue) in another agency's"))
        checks.append(Check(
            name: "redeliveries to agencies", passed: true,
            detail: "\(redeliveries) extra deliveries of \(redelivered) referrals, recognised by message_id and not answered again "
                + "(a referral in flight when its broker node stopped or its consumer's connection dropped is delivered again)"))
    }

    /// The order of the statuses an agency reports: a later one implies the earlier ones.
    private static let statusRank = ["acknowledged": 1, "in-progress": 2, "completed": 3, "declined": 3]

    private mutating func answers(_ ledger: DrillLedger.Entries, _ stored: Stored) {
        // Only answers to this run's referrals (an earlier, interrupted run may leave some in the queues).
        let sent = Set(ledger.answers.filter { stored.recordOfReferral[$0.value.referralId] != nil }.keys)
        let notApplied = sent.filter { stored.appliedAnswers[$0] == nil && stored.refusedAnswers[$0] == nil }.count
        // Refused because a later status of the same referral was applied first: its
        // delivery was held or redelivered (a killed instance, the database switching over)
        // while the next update went through another instance. The contract refuses a step
        // back; the referral's state is the agency's latest.
        let superseded = sent.filter { id in
            guard stored.refusedAnswers[id] == "invalid-transition", let answer = ledger.answers[id],
                let rank = Self.statusRank[answer.status]
            else { return false }
            return (stored.appliedStatuses[answer.referralId] ?? []).contains { (Self.statusRank[$0] ?? 0) > rank }
        }.count
        let refused = sent.filter { stored.refusedAnswers[$0] != nil }.count - superseded
        let twice = stored.appliedAnswers.values.filter { $0 > 1 }.count
        let unknown = stored.appliedAnswers.keys.filter { !sent.contains($0) }.count
        lost += notApplied + refused
        duplicatedEffects += twice + unknown
        let statuses = Dictionary(grouping: sent.compactMap { ledger.answers[$0]?.status }, by: { $0 })
            .sorted { $0.key < $1.key }.map { "\($0.value.count) \($0.key)" }.joined(separator: ", ")
        checks.append(Check(
            name: "agency answers", passed: notApplied + refused + twice + unknown == 0,
            detail: "\(sent.count) confirmed (\(statuses)): \(sent.count - notApplied - refused - superseded) applied once, "
                + "\(superseded) refused as a step back behind a later status of the same referral that overtook it, "
                + "\(notApplied) not applied, \(refused) refused otherwise, \(twice) applied twice, \(unknown) not sent by the agencies"))
    }

    private mutating func ladderAndMail(_ stored: Stored, _ mail: [String: Int]) {
        duplicatedEffects += stored.stepsFiredTwice
        checks.append(Check(
            name: "ladder steps", passed: stored.stepsFiredTwice == 0,
            detail: "\(stored.stepsFired) fired, \(stored.stepsFiredTwice) fired twice"))
        let missing = stored.sentEmails.filter { mail[$0.lowercased()] == nil }.count
        let twice = stored.sentEmails.filter { (mail[$0.lowercased()] ?? 0) > 1 }.count
        duplicatedEffects += twice
        lost += missing
        checks.append(Check(
            name: "emails", passed: missing + twice == 0,
            detail: "\(stored.sentEmails.count) recorded as sent: \(stored.sentEmails.count - missing - twice) in the mailbox once, "
                + "\(missing) missing, \(twice) more than once; \(stored.sentWebhooks) webhooks (the drill's directory has no webhook)"))
    }

    /// For each fault: the time from its injection to the first referral that reached its
    /// agency for a record sent after the injection (the whole chain flowing again).
    private mutating func recovery(_ ledger: DrillLedger.Entries, _ stored: Stored, _ events: DrillEvents) {
        var lines: [String] = []
        var unrecovered = 0
        for fault in events.faults {
            let recoveredAt = stored.recordOfReferral.compactMap { referral, record -> Date? in
                guard let sent = ledger.records[record]?.sentAt, sent >= fault.at else { return nil }
                return ledger.firstReceipts[referral]?.at
            }.min()
            guard let recoveredAt else {
                unrecovered += 1
                lines.append("\(fault.kind) \(fault.detail): no referral after it")
                continue
            }
            let seconds = recoveredAt.timeIntervalSince(fault.at)
            maxRecovery = max(maxRecovery, seconds)
            lines.append("\(fault.kind) \(fault.detail) \(String(format: "%.1f", seconds)) s")
        }
        checks.append(Check(
            name: "recovery", passed: unrecovered == 0 && !events.faults.isEmpty,
            detail: events.faults.isEmpty ? "no fault was injected" : "\(events.faults.count) faults: " + lines.joined(separator: "; ")))
    }
}
