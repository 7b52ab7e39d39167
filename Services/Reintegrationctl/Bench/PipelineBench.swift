import AMQP
import ArgumentParser
import Contract
import Foundation
import IntakeOperations
import Logging
import Postgres
import ReferralOperations

/// SMS record → case → referrals confirmed in the agency queues, on a running cluster,
/// against the raw broker floor measured in the same run.
///
/// Publishes valid readmission records as an SMS system would (each routed to the
/// health ministry and the district authority), then reads from the database when each
/// case was opened and when its referral messages were confirmed by the broker (the
/// referral outbox's `published_at`). Nothing is consumed from the agency queues, so
/// run it on a local cluster only.
struct PipelineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Intake and SMS-to-agency-queue throughput and latency, as ratios to the broker floor.",
        discussion: Bench.exitCodes)

    @OptionGroup var targets: BenchTargets

    @Option(help: "Records to publish.")
    var records = 2000

    /// Intake (record → case opened) and the whole path (record → referrals confirmed in
    /// the agency queues), each with its rate and latency.
    struct Figures: Sendable {
        var intake: MessagingBench.Figures
        var pipeline: MessagingBench.Figures
    }

    func run() async throws {
        try await Bench.reporting {
            var logger = Logger(label: "bench")
            logger.logLevel = .warning
            let floor = try await MessagingBench.measureFloor(
                amqp: AMQPConfiguration(url: targets.amqp(), connectionName: "bench"), messages: max(records, 10_000),
                body: Self.record(reference: "BENCH-FLOOR-0000000000"), logger: logger).rate
            print(String(format: "broker floor: %.0f msg/s", floor))
            let figures = try await Self.measure(
                sms: AMQPConfiguration(url: targets.sms(), connectionName: "bench-sms"),
                database: PostgresConfiguration(url: targets.database()), records: records, logger: logger)
            print(String(format: "intake: %.0f records/s (ratio %.3f), latency p50 %.0f ms, p99 %.0f ms",
                         figures.intake.rate, figures.intake.rate / floor, figures.intake.p50, figures.intake.p99))
            print(String(format: "record → referrals confirmed in agency queues: %.0f cases/s (ratio %.3f), latency p50 %.0f ms, p99 %.0f ms",
                         figures.pipeline.rate, figures.pipeline.rate / floor, figures.pipeline.p50, figures.pipeline.p99))
        }
    }

    static func measure(sms smsConfiguration: AMQPConfiguration, database: PostgresConfiguration, records: Int, logger: Logger) async throws -> Figures {
        let batch = "BENCH-\(UUID().uuidString.prefix(8))"
        let sms = try await AMQPConnection.connect(smsConfiguration, logger: logger)
        var sentAt: [String: Double] = [:]
        let start = Date()
        for chunk in stride(from: 0, to: records, by: 100) {
            var messages: [OutgoingMessage] = []
            for index in chunk..<min(records, chunk + 100) {
                let reference = "\(batch)-\(index)"
                sentAt[reference] = Date().timeIntervalSince1970
                messages.append(Self.recordMessage(reference: reference, sender: smsConfiguration.user))
            }
            let outcomes = try await sms.publish(messages)
            guard outcomes.allSatisfy({ $0 == .confirmed }) else { throw ValidationError("the broker did not confirm the records") }
        }
        await sms.close()
        let rows = try await completions(batch: batch, records: records, since: start, database: database, logger: logger)
        let intakeLatency = LatencyRecorder()
        let pipelineLatency = LatencyRecorder()
        var lastOpened = 0.0
        var lastReferred = 0.0
        for (reference, opened, referred) in rows {
            guard let sent = sentAt[reference] else { continue }
            intakeLatency.record(milliseconds: (opened - sent) * 1000)
            pipelineLatency.record(milliseconds: (referred - sent) * 1000)
            lastOpened = max(lastOpened, opened)
            lastReferred = max(lastReferred, referred)
        }
        let begin = start.timeIntervalSince1970
        let intakeRate = Double(records) / (lastOpened - begin)
        let pipelineRate = Double(records) / (lastReferred - begin)
        return Figures(
            intake: MessagingBench.Figures(rate: intakeRate, p50: intakeLatency.percentile(0.5), p99: intakeLatency.percentile(0.99)),
            pipeline: MessagingBench.Figures(rate: pipelineRate, p50: pipelineLatency.percentile(0.5), p99: pipelineLatency.percentile(0.99)))
    }

    /// When each case of `batch` was opened and when the last of its referral messages was
    /// confirmed by the broker, read once all `records` are through (at most 10 minutes
    /// after `since`).
    static func completions(
        batch: String, records: Int, since start: Date, database: PostgresConfiguration, logger: Logger
    ) async throws -> [(reference: String, opened: Double, referred: Double)] {
        let pool = PostgresPool(configuration: database, size: 1, logger: logger)
        let prefix = "\(batch)-"
        let expectedReferrals = 2 * records
        while true {
            // Polled with two cheap counts, so the harness does not load the database it
            // measures; the cases and their confirmations are read once the counts say all
            // are through (other traffic may add to the second count: the read checks).
            let (opened, cases, confirmations) = try await pool.withConnection { connection in
                let register = IntakeCaseRegister()
                let referrals = ReferralCaseRecords()
                let opened = try register.caseCount(referencePrefix: prefix, on: connection)
                guard opened == records, try referrals.confirmedReferralMessages(since: start, on: connection) >= expectedReferrals else {
                    return (opened, [IntakeCaseReference](), [ReferralConfirmation]())
                }
                let cases = try register.cases(referencePrefix: prefix, on: connection)
                return (opened, cases, try referrals.confirmations(caseIds: cases.map(\.caseId), on: connection))
            }
            let referred = confirmations.reduce(0) { $0 + $1.confirmed }
            if opened == records && referred == expectedReferrals {
                await pool.shutdown()
                let lastConfirmed = Dictionary(uniqueKeysWithValues: confirmations.map { ($0.caseId, $0.lastConfirmedAt) })
                return cases.compactMap { opened in
                    lastConfirmed[opened.caseId].map { referred in
                        (reference: opened.smsReference, opened: opened.openedAt.timeIntervalSince1970, referred: referred.timeIntervalSince1970)
                    }
                }
            }
            if Date().timeIntervalSince(start) > 600 {
                await pool.shutdown()
                throw ValidationError("the cluster did not finish within 10 minutes (\(opened) cases, \(referred) referrals)")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// The record as the SMS system `sender` publishes it.
    static func recordMessage(reference: String, sender: String) -> OutgoingMessage {
        OutgoingMessage(
            exchange: ExchangeName.intake, routingKey: MessageType.readmission,
            properties: .persistentJSON(messageId: reference, type: MessageType.readmission, userId: sender),
            body: record(reference: reference))
    }

    /// A valid record routed to `health` and `local.binagadi`.
    static func record(reference: String) -> [UInt8] {
        Array("""
            {"schema":"readmission.v1","smsReference":"\(reference)","readmittedAt":"2026-05-29T10:15:00+04:00",
             "agreement":{"country":"DE"},"person":{"firstName":"Test","lastName":"Benchmark","birthDate":"1990-02-14",
             "address":{"district":"binagadi"}},"needs":["health"],"consent":{"dataSharing":true}}
            """.utf8)
    }
}
