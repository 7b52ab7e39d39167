import AMQP
import ArgumentParser
import Contract
import Foundation
import Logging
import ServiceKit

/// `reintegrationctl simulate`: plays SMS systems and agencies against a running cluster
/// with synthetic people, for demos and drills. Never point it at production: every record
/// it sends opens a real case.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Play an SMS system and the agencies against a running cluster with synthetic data.",
        discussion: """
            Publishes synthetic readmission records (Azerbaijani names and districts, families with \
            children, missing FINs, a share of invalid records) at --rate per second for --duration \
            seconds as the SMS account, and counts the outcome replies. With the agencies' accounts it \
            also reads their referral queues and answers: most promptly, some late, some decline, one \
            in twenty asks for a deadline a week later (the secretariat decides with 'referral \
            extension'), some never. Without options it uses the local stack's sample accounts (.local/credentials.env). \
            Exit codes: 0 done, 64 wrong usage, 69 the broker cannot be reached or an account is refused.
            """)

    @Option(help: "Records per second.")
    var rate: Double = 2

    @Option(help: "Seconds to send records for.")
    var duration: Double = 60

    @Option(help: "Seconds to keep answering referrals after the last record (late answers need time).")
    var linger: Double = 30

    @Option(help: "Share of records that break a rule of the contract (0-1).")
    var invalidShare = 0.08

    @Option(help: "Multiply every agency answer delay by this (e.g. 0.1 for a fast drill).")
    var answerScale = 1.0

    @Option(help: "Seed of the synthetic data, to replay the same run.")
    var seed: UInt64 = UInt64(Date().timeIntervalSince1970)

    @Option(help: "Broker URL of the SMS system account, without a password (default: $SIMULATE_SMS_AMQP_URL, then SMS_LOCAL_AMQP_URL of the credentials file; both may hold the password).")
    var smsURL: String?

    @Option(name: .customLong("agency"), help: "An agency code to play, with its AGENCY_<CODE>_AMQP_URL of the credentials file (repeatable; default: every agency there).")
    var agencyCodes: [String] = []

    @Option(help: "An agency someone else plays through its inbox (reintegrationctl agency pull): records still go to its district, but its queue is left alone (repeatable).")
    var inboxAgency: [String] = []

    @Flag(help: "Only send records; do not play the agencies.")
    var noAgencies = false

    @Option(help: "The local stack's credentials file.")
    var credentialsFile = ".local/credentials.env"

    func validate() throws {
        guard rate > 0, rate <= 1_000 else { throw ValidationError("--rate must be above 0 and at most 1000") }
        guard duration > 0, linger >= 0 else { throw ValidationError("--duration must be above 0 and --linger not negative") }
        guard (0...1).contains(invalidShare) else { throw ValidationError("--invalid-share must be between 0 and 1") }
        guard answerScale > 0 else { throw ValidationError("--answer-scale must be above 0") }
    }

    func run() async throws {
        let file = LocalCredentials.read(credentialsFile)
        let givenSMS = try await CommandFailure.reporting { try CommandLineURL.checked(smsURL, option: "--sms-url") }
        guard let smsURL = givenSMS ?? EnvironmentReader().string("SIMULATE_SMS_AMQP_URL") ?? file["SMS_LOCAL_AMQP_URL"] else {
            throw ValidationError("give --sms-url (or SIMULATE_SMS_AMQP_URL, or run from a checkout whose local stack is up)")
        }
        let agencyURLs = noAgencies ? [] : file.filter { $0.key.hasPrefix("AGENCY_") && $0.key.hasSuffix("_AMQP_URL") }
            .sorted { $0.key < $1.key }.map(\.value)
        var agencies: [(code: String, url: String)] = []
        for url in agencyURLs {
            guard let code = SimulatedAgency.code(ofAccountURL: url) else {
                throw ValidationError("the credentials file's AGENCY_*_AMQP_URL entries must name agency-<code> accounts")
            }
            if agencyCodes.isEmpty || agencyCodes.contains(code), !inboxAgency.contains(code) { agencies.append((code, url)) }
        }
        if let missing = agencyCodes.first(where: { code in !agencies.contains { $0.code == code } }), !noAgencies {
            throw ValidationError("--agency \(missing) has no AGENCY_*_AMQP_URL in the credentials file")
        }
        var logger = Logger(label: "simulate")
        logger.logLevel = .warning
        let counters = SimulationCounters()
        let start = ContinuousClock.now
        let sendingEnds = start + .milliseconds(Int64(duration * 1000))
        let stop = sendingEnds + .milliseconds(Int64(linger * 1000))
        var mix = SyntheticPopulation.Mix()
        mix.invalid = invalidShare
        let population = SyntheticPopulation(
            seed: seed, mix: mix,
            playedDistricts: (agencies.map(\.code) + inboxAgency).filter { $0.hasPrefix("local.") }.map { String($0.dropFirst(6)) })
        let inboxes = inboxAgency.isEmpty ? "" : " (through their inbox: \(inboxAgency.joined(separator: ", ")))"
        SimulationProgress.emit(
            "simulating: \(rate) records/s for \(Int(duration)) s, agencies: \(agencies.isEmpty ? "none" : agencies.map(\.code).joined(separator: ", "))\(inboxes), seed \(seed)")

        let sms: SimulatedSMSSystem
        do {
            sms = try await SimulatedSMSSystem.connect(url: smsURL, counters: counters, logger: logger)
        } catch {
            throw CommandFailure.exit(for: CommandFailure(unavailable: "the SMS account cannot connect: \(error)"))
        }
        let failed = await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await sms.send(population, rate: rate, until: sendingEnds, repliesUntil: stop)
                    return nil
                } catch {
                    return "SMS system: \(error)"
                }
            }
            for (index, agency) in agencies.enumerated() {
                // Now and then an office asks for more time, which the secretariat then decides.
                var fates = SimulatedAgency.FateMix()
                (fates.late, fates.askForMoreTime) = (0.15, 0.05)
                let player = SimulatedAgency(
                    code: agency.code, url: agency.url, scale: answerScale, fates: fates, counters: counters, logger: logger)
                group.addTask {
                    do {
                        try await player.run(seed: seed &+ UInt64(index + 1), until: stop)
                        return nil
                    } catch {
                        return "agency \(agency.code): \(error)"
                    }
                }
            }
            group.addTask {
                await SimulationProgress.report(counters, until: stop)
                return nil
            }
            var failures: [String] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        SimulationProgress.emit("done: " + counters.snapshot.line)
        if !failed.isEmpty {
            for failure in failed.dropLast() { FileHandle.standardError.write(Data("error: \(failure)\n".utf8)) }
            throw CommandFailure.exit(for: CommandFailure(unavailable: failed[failed.count - 1]))
        }
    }
}
