import ArgumentParser
import Contract
import Foundation
import ServiceKit
import WorkingCalendar

extension AgencyCommand {
    /// `reintegrationctl agency list --from DIR`: the pulled referrals with their deadlines,
    /// from the files alone (no broker, no network).
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the referrals pulled into a folder, with their deadlines and the working days left or overdue.",
            discussion: """
                Working days are Monday to Friday in Asia/Baku minus the public holidays (--calendar-file, as \
                the cluster uses). "n working days left" counts the working days after today up to the due-by \
                day; "overdue by n working days" those after the due-by day up to today. The status is the one \
                the cluster last confirmed to agency update --folder (FOLDER/statuses/), "-" when none was \
                recorded; a completed or declined referral is closed, never overdue.
                Exit codes: 0 done; 64 wrong usage; 66 the folder does not exist.
                """)

        @Option(help: "The folder agency pull writes to.")
        var from: String

        @Flag(help: "Only the open referrals whose due-by has passed.")
        var overdue = false

        @Option(help: "az or en (default: from LC_ALL, LC_MESSAGES or LANG: az… gives az, anything else en).")
        var language: AgencyLanguage?

        @OptionGroup var calendarOptions: CalendarOptions

        func run() async throws {
            let text = AgencyText(language: language ?? AgencyLanguage.fromLocale(EnvironmentReader()))
            let calendar = try calendarOptions.calendar()
            try await CommandFailure.reporting(prefix: text.errorPrefix) {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: from, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw CommandFailure(.notFound, text.noDirectory(from))
                }
                let (entries, skipped) = ReferralFolder(directory: URL(fileURLWithPath: from, isDirectory: true)).entries()
                print(Self.render(entries, skipped: skipped, asOf: Date(), calendar: calendar, overdueOnly: overdue, directory: from, text: text),
                      terminator: "")
            }
        }

        static func render(
            _ entries: [ReferralFolder.Entry], skipped: [String], asOf: Date, calendar: WorkingCalendar, overdueOnly: Bool,
            directory: String, text: AgencyText
        ) -> String {
            let shown = entries.filter { !overdueOnly || (!$0.isClosed && $0.dueBy < asOf) }.sorted { $0.dueBy < $1.dueBy }
            var output = text.listHeading(directory, asOf: OperatorTime.local(asOf), count: shown.count, overdueOnly: overdueOnly) + "\n"
            for name in skipped { output += text.unreadableFile(name) + "\n" }
            guard !shown.isEmpty else { return output }
            let headers = text.listColumns
            var table = TextTable(headers.map { ($0, TextTable.Alignment.left) })
            for entry in shown {
                let referral = entry.referral
                let deadline = if entry.isClosed {
                    text.closed
                } else if entry.dueBy < asOf {
                    text.overdue(calendar.workingDays(from: entry.dueBy, to: asOf))
                } else {
                    text.workingDaysLeft(calendar.workingDays(from: asOf, to: entry.dueBy))
                }
                table.append([
                    ContractID.text(referral.referralId), ContractID.text(referral.caseId), referral.person?.district ?? "-",
                    referral.needs.joined(separator: ","), OperatorTime.local(referral.acknowledgeBy), OperatorTime.local(entry.dueBy),
                    entry.status?.rawValue ?? "-", deadline,
                ])
            }
            return output + "\n" + table.rendered()
        }
    }
}
