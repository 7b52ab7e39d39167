import AMQP
import ArgumentParser
import Contract
import Foundation
import Logging
import Postgres
import ReferralDomain
import WorkingCalendar

/// `reintegrationctl drill`: the client side of the fault drill (`deploy/cluster/drill`).
/// Plays the sample SMS system and the sample agencies through every broker node while a
/// script injects faults, waits until nothing moves any more, then reconciles what it
/// sent and received with the database and the mailbox.
struct DrillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Send records and answer referrals through faults, then reconcile every effect.",
        discussion: """
            Sends --records synthetic records at --rate per second as the sample SMS account, plays the \
            sample agencies (most acknowledge and complete within half a minute, some later, some decline, \
            some never answer, so their ladders fire), answers for --linger seconds after the last record, then waits until every \
            valid record has its case, every referral has reached its agency and nothing due is pending \
            (at most --settle seconds). It prints one line per check and last \
            `drill: N records, lost L, duplicated effects D, max recovery S s`. The fault times and the \
            script's own checks come from --events. Exit codes: 0 every check holds, 1 a check failed, \
            64 wrong usage, 69 the broker or database cannot be reached.
            """)

    @Option(help: "Records to send.")
    var records = 20_000

    @Option(help: "Records per second.")
    var rate: Double = 25

    @Option(help: "Seconds to keep answering referrals after the last record (late answers and ladder steps need time).")
    var linger: Double = 150

    @Option(help: "At most this many seconds to wait, after the answers, for everything in flight to arrive.")
    var settle: Double = 600

    @Option(help: "A file of KEY=URL lines: SMS_LOCAL_AMQP_URL and AGENCY_<CODE>_AMQP_URL, each URL listing every broker node (deploy/cluster/drill writes it).")
    var accountsFile: String

    @Option(help: "The referral policy file the services run with (routing of needs to agencies).")
    var referralPolicy: String?

    @Option(help: "The mail relay's Maildir (mails are counted per Message-ID).")
    var mailDir: String

    @Option(help: "The events file the fault-injecting script writes (fault times, its own checks).")
    var events: String?

    @Option(help: "Seed of the synthetic data and the agencies' answers.")
    var seed: UInt64 = UInt64(Date().timeIntervalSince1970)

    @Option(help: "Database URL of a role that reads every schema (default: $ADMIN_DATABASE_URL).")
    var databaseURL: String?

    func validate() throws {
        guard records > 0, rate > 0, rate <= 1_000 else { throw ValidationError("--records must be above 0 and --rate in (0, 1000]") }
        guard linger >= 0, settle >= 0 else { throw ValidationError("--linger and --settle must not be negative") }
    }

    func run() async throws {
        let accounts = LocalCredentials.read(accountsFile)
        guard let sms = accounts["SMS_LOCAL_AMQP_URL"] else { throw ValidationError("\(accountsFile) has no SMS_LOCAL_AMQP_URL") }
        let agencies = accounts.filter { $0.key.hasPrefix("AGENCY_") && $0.key.hasSuffix("_AMQP_URL") }.sorted { $0.key < $1.key }
            .compactMap { entry in SimulatedAgency.code(ofAccountURL: entry.value).map { (code: $0, url: entry.value) } }
        guard !agencies.isEmpty else { throw ValidationError("\(accountsFile) has no AGENCY_*_AMQP_URL") }
        let router = try loadRouter()
        let database = try DatabaseURL.configuration(given: databaseURL, fallbacks: ["ADMIN_DATABASE_URL"])

        let logger = { () -> Logger in
            var logger = Logger(label: "drill")
            logger.logLevel = .error
            return logger
        }()
        let ledger = DrillLedger()
        let counters = SimulationCounters()
        var mix = SyntheticPopulation.Mix()
        mix.invalid = 0.05
        mix.withoutConsent = 0
        mix.playedDistrict = 1
        let population = SyntheticPopulation(
            seed: seed, mix: mix, playedDistricts: agencies.map(\.code).filter { $0.hasPrefix("local.") }.map { String($0.dropFirst(6)) })
        let started = Date()
        let sendingSeconds = Double(records) / rate
        let answersEnd = ContinuousClock.now + .milliseconds(Int64((sendingSeconds + linger) * 1000))
        SimulationProgress.emit(
            "drill: \(records) records at \(rate)/s (about \(Int(sendingSeconds)) s), agencies \(agencies.map(\.code).joined(separator: ", ")), seed \(seed)")

        let readingStops = agencies.map { _ in AsyncStream<Void>.makeStream() }
        let (records, rate, linger, settle, seed) = (records, rate, linger, settle, seed)
        let failures = await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await DrillSMSSystem(url: sms, ledger: ledger, counters: counters, logger: logger)
                        .send(population, records: records, rate: rate)
                    SimulationProgress.emit("drill: all \(records) records confirmed by the broker; answering for \(Int(linger)) s more")
                    return nil
                } catch {
                    return "SMS system: \(error)"
                }
            }
            for (index, agency) in agencies.enumerated() {
                var fates = SimulatedAgency.FateMix()
                (fates.prompt, fates.late, fates.decline) = (0.80, 0.08, 0.07)
                // Answers within about 25 s (late ones 50 s): before step 2 of the drill's
                // ladder (20 s before the 60 s due time), so mostly the unanswered escalate.
                let player = SimulatedAgency(
                    code: agency.code, url: agency.url, scale: 0.4, fates: fates, counters: counters, observer: ledger, logger: logger)
                let stop = readingStops[index].stream
                group.addTask {
                    do {
                        try await player.run(seed: seed &+ UInt64(index + 1), until: answersEnd) { for await _ in stop {} }
                        return nil
                    } catch {
                        return "agency \(agency.code): \(error)"
                    }
                }
            }
            group.addTask {
                await SimulationProgress.report(counters, until: answersEnd)
                await Self.settleDown(ledger: ledger, within: settle, database: database, logger: logger)
                for stop in readingStops { stop.continuation.finish() }
                return nil
            }
            var failures: [String] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        if !failures.isEmpty {
            for failure in failures.dropLast() { FileHandle.standardError.write(Data("error: \(failure)\n".utf8)) }
            throw CommandFailure.exit(for: CommandFailure(unavailable: failures[failures.count - 1]))
        }
        try await reconcile(ledger: ledger.snapshot, router: router, database: database, since: started, logger: logger)
    }

    /// The SMS references of this run share a prefix (`SIM-<run tag>-`).
    static func prefix(of ledger: DrillLedger) -> String? { prefix(of: ledger.snapshot) }

    static func prefix(of entries: DrillLedger.Entries) -> String? {
        guard let reference = entries.records.keys.first, let dash = reference.lastIndex(of: "-") else { return nil }
        return String(reference[...dash])
    }

    private func loadRouter() throws -> Router {
        guard let referralPolicy else { return Router() }
        guard let data = FileManager.default.contents(atPath: referralPolicy) else {
            throw ValidationError("cannot read --referral-policy \(referralPolicy)")
        }
        do {
            return Router(policy: try ReferralPolicy.load(json: data))
        } catch {
            throw ValidationError("--referral-policy \(referralPolicy): \(error)")
        }
    }

    /// Waits until nothing the drill started is still moving, or --settle seconds.
    private static func settleDown(ledger: DrillLedger, within settle: Double, database: PostgresConfiguration, logger: Logger) async {
        guard let prefix = prefix(of: ledger) else { return }
        let pool = PostgresPool(configuration: database, size: 1, logger: logger)
        let deadline = ContinuousClock.now + .milliseconds(Int64(settle * 1000))
        var moving = -1
        var round = 0
        while ContinuousClock.now < deadline {
            let entries = ledger.snapshot
            moving = (try? await pool.withConnection { try DrillReconciliation.inFlight(prefix: prefix, ledger: entries, on: $0) }) ?? -1
            if moving == 0 { break }
            if round % 5 == 0 {
                SimulationProgress.emit("drill: settling, \(moving < 0 ? "database not answering" : "\(moving) items still moving")")
            }
            round += 1
            try? await Task.sleep(for: .seconds(3))
        }
        await pool.shutdown()
        SimulationProgress.emit(moving == 0 ? "drill: everything settled" : "drill: still moving after \(Int(settle)) s (\(moving) items); reconciling anyway")
    }

    private func reconcile(ledger: DrillLedger.Entries, router: Router, database: PostgresConfiguration, since started: Date, logger: Logger) async throws {
        guard let prefix = Self.prefix(of: ledger) else { throw ExitCode(CommandFailure.Kind.unavailable.exitCode) }
        let pool = PostgresPool(configuration: database, size: 1, logger: logger)
        let stored: DrillReconciliation.Stored
        do {
            stored = try await pool.withTransaction { connection in
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                return try DrillReconciliation.read(prefix: prefix, since: started, on: connection)
            }
            await pool.shutdown()
        } catch {
            await pool.shutdown()
            throw CommandFailure.exit(for: CommandFailure(unavailable: "the database cannot be read: \(error)"))
        }
        let result = DrillReconciliation(
            ledger: ledger, stored: stored, router: router, events: DrillEvents.read(events), mail: DrillMailbox.messageIdCounts(in: mailDir))
        for check in result.checks { SimulationProgress.emit(check.line) }
        SimulationProgress.emit(
            "drill: \(ledger.records.count) records, lost \(result.lost), duplicated effects \(result.duplicatedEffects), max recovery \(String(format: "%.1f", result.maxRecovery)) s")
        if result.checks.contains(where: { !$0.passed }) { throw ExitCode(CommandFailure.Kind.failed.exitCode) }
    }
}
