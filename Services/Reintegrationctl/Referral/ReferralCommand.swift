import ArgumentParser
import Foundation
import Logging
import Postgres
import ReferralOperations
import WorkingCalendar

/// `reintegrationctl referral extension list|approve|refuse`: the secretariat's decisions
/// on agencies' deadline extension requests (contract v1.1, item 8). The queries and the
/// decision's transaction belong to the referral service (ReferralOperations); the tool
/// writes no SQL against its schema.
struct ReferralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referral",
        abstract: "Act on referrals for the secretariat.",
        subcommands: [ExtensionCommand.self]
    )

    /// Where the referral schema is, for commands that change it.
    struct DatabaseOptions: ParsableArguments {
        @Option(help: "Database URL of a role that may change the referral schema (default: $REFERRAL_DATABASE_URL, then $ADMIN_DATABASE_URL, then $DATABASE_URL).")
        var databaseURL: String?

        /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
        func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
            let configuration = try DatabaseURL.configuration(
                given: databaseURL, fallbacks: ["REFERRAL_DATABASE_URL", "ADMIN_DATABASE_URL", "DATABASE_URL"])
            let pool = PostgresPool(configuration: configuration, size: 1, logger: Logger(label: "reintegrationctl"))
            do {
                let result = try await pool.withTransaction(body)
                await pool.shutdown()
                return result
            } catch {
                await pool.shutdown()
                throw Self.failure(for: error)
            }
        }

        /// A decision's refusal as its documented exit code; database problems as the other commands report them.
        private static func failure(for error: any Error) -> any Error {
            guard let decision = error as? ExtensionDecisionError else { return CommandFailure.exit(for: error) }
            let kind: CommandFailure.Kind = switch decision {
            case .notFound: .notFound
            case .alreadyDecided: .cannotCreate
            case .referralClosed, .dateNotLater, .invalidDecision: .data
            }
            return CommandFailure.exit(for: CommandFailure(kind, decision.description))
        }
    }
}

extension ReferralCommand {
    struct ExtensionCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "extension",
            abstract: "List, approve or refuse agencies' deadline extension requests.",
            discussion: """
                An agency asks for a later deadline with a referral-status.v1 whose status is extension-requested; the \
                secretariat and the chair are alerted. Approving moves the referral's dueBy to the end of the date asked \
                for (or of --due-by), plans the escalation steps not yet fired again from it, and sends the agency \
                referral-updated.v1 (extension-approved); refusing sends extension-refused and changes no deadline. Each \
                request is decided once: when two operators decide at once, the second is told who decided first. A \
                request still waiting when the agency completes or declines the referral is withdrawn (listed with \
                --all as withdrawn by the agency's account).

                Exit codes: 0 done; 64 wrong usage; 65 the decision breaks a rule (no name or note, a date not later \
                than the current dueBy, a closed referral); 66 no such request; 69 database unavailable; 73 the \
                request was already decided; 1 otherwise.
                """,
            subcommands: [List.self, Approve.self, Refuse.self]
        )
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the requests waiting for a decision (with --all, decided ones too).")
        @OptionGroup var database: DatabaseOptions

        @Flag(help: "Also list requests already approved, refused or withdrawn.")
        var all = false

        func run() async throws {
            let includeDecided = all
            let records = try await database.transaction { connection in
                try ExtensionRequestStore().requests(includeDecided: includeDecided, on: connection)
            }
            print(Self.render(records, includeDecided: includeDecided), terminator: "")
        }

        static func render(_ records: [ExtensionRequestRecord], includeDecided: Bool) -> String {
            let pending = records.filter { $0.decision == nil }.count
            var text = "Extension requests: \(pending) pending" + (includeDecided ? ", \(records.count - pending) decided" : "") + "\n"
            for record in records {
                text += "\n#\(record.id)  referral \(OperatorTime.identifier(record.referralId))  case \(OperatorTime.identifier(record.caseId))\n"
                text += "  agency \(record.agency), status \(record.status), due by \(OperatorTime.local(record.dueBy))\n"
                text += "  asked \(OperatorTime.local(record.requestedAt)) by \(record.officer ?? "-"): from \(OperatorTime.local(record.dueByBefore)) to \(record.requestedDueBy)\n"
                text += "  note: \(record.note)\n"
                if let decision = record.decision {
                    let granted = record.grantedDueBy.map { " to \(OperatorTime.local($0))" } ?? ""
                    text += "  \(decision)\(granted) by \(record.decidedBy ?? "-") at \(record.decidedAt.map(OperatorTime.local) ?? "-"): \(record.decisionNote ?? "")\n"
                } else {
                    text += "  pending: reintegrationctl referral extension approve|refuse \(record.id) --by NAME --note TEXT\n"
                }
            }
            return text
        }
    }

    /// What every decision names: the request, who decides, and the note the agency gets.
    struct DecisionOptions: ParsableArguments {
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The request's number (from list).") var id: Int64
        @Option(help: "Who decides (a member of the secretariat).") var by: String
        @Option(help: "The decision's note, sent to the agency.") var note: String

        /// Records `verdict` and prints what it did.
        func decide(_ verdict: ExtensionDecision.Verdict) async throws {
            let decision = ExtensionDecision(verdict: verdict, decidedBy: by, note: note)
            let (id, now) = (id, Date())
            let outcome = try await database.transaction { connection in
                try ExtensionRequestStore().decide(decision, requestId: id, at: now, on: connection)
            }
            print("extension request \(outcome.requestId) \(outcome.decision): referral \(OperatorTime.identifier(outcome.referralId)) (\(outcome.agency)) due by \(OperatorTime.local(outcome.dueByAfter)) (was \(OperatorTime.local(outcome.dueByBefore))); the agency is told")
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a request: the referral's dueBy moves to the date asked for, or to --due-by.")
        @OptionGroup var decision: DecisionOptions
        @Option(help: "Grant another local date (YYYY-MM-DD, Asia/Baku) than the one asked for; later than the current dueBy.")
        var dueBy: String?

        func run() async throws {
            var other: CivilDay?
            if let dueBy {
                guard let day = CivilDay(dueBy) else { throw ValidationError("--due-by must be a date YYYY-MM-DD that exists") }
                other = day
            }
            try await decision.decide(.approve(dueBy: other))
        }
    }

    struct Refuse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refuse a request: the deadline stays; the agency is told why.")
        @OptionGroup var decision: DecisionOptions

        func run() async throws {
            try await decision.decide(.refuse)
        }
    }
}
