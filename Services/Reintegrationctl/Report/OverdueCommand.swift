import ArgumentParser
import Foundation
import ReferralOperations

/// `reintegrationctl overdue`: open referrals past a deadline now, grouped by agency.
///
/// Exit codes: 0 done (whether or not anything is overdue); 64 wrong usage; 69 the
/// database cannot be reached or lacks a service's tables; 1 otherwise.
struct OverdueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overdue",
        abstract: "List referrals overdue now, grouped by agency, with how many working days late.",
        discussion: """
            A referral is overdue when it is still issued (not acknowledged) after its acknowledge-by deadline, or \
            neither completed nor declined after its due-by deadline; the later miss is the one shown. Working days \
            late count from the deadline's day to today in Asia/Baku (0: it passed today).

            Exit codes: 0 done; 64 wrong usage; 69 database unavailable; 1 otherwise.
            """
    )

    @OptionGroup var database: OperatorDatabaseOptions
    @OptionGroup var calendarOptions: CalendarOptions

    @Option(help: "Only this agency code (e.g. health, local.binagadi).")
    var agency: String?

    @Flag(help: "Machine-readable JSON instead of a table.")
    var json = false

    func run() async throws {
        let calendar = try calendarOptions.calendar()
        let agency = agency?.lowercased()
        let (records, asOf) = try await database.read { connection in
            (try ReferralReadViews().open(agency: agency, on: connection), Date())
        }
        let list = OverdueList(records: records, asOf: asOf, calendar: calendar)
        if json {
            struct Document: Encodable {
                var asOf: Date
                var count: Int
                var agencies: [OverdueList.AgencyGroup]
            }
            let data = try OperatorTime.jsonEncoder().encode(Document(asOf: asOf, count: list.count, agencies: list.groups))
            FileHandle.standardOutput.write(data + Data("\n".utf8))
            return
        }
        print(Self.render(list), terminator: "")
    }

    static func render(_ list: OverdueList) -> String {
        var text = "Overdue referrals as of \(OperatorTime.local(list.asOf)): \(list.count)\n"
        for group in list.groups {
            text += "\n\(group.agency) (\(group.referrals.count) overdue)\n"
            var table = TextTable([
                ("referral", .left), ("case", .left), ("status", .left), ("missed", .left), ("deadline", .left),
                ("working days late", .right),
            ])
            for entry in group.referrals {
                table.append([
                    entry.referralId, entry.caseId, entry.status.rawValue,
                    entry.missed.rawValue, OperatorTime.local(entry.deadline), String(entry.workingDaysLate),
                ])
            }
            text += table.rendered(indent: "  ")
        }
        return text
    }
}
