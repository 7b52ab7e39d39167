import Foundation
import ReferralDomain
import ServiceKit
import Testing
import WorkingCalendar

@testable import Reintegrationctl

@Suite("Agency inbox folder and language")
struct AgencyFolderTests {
    func temporaryFolder() throws -> ReferralFolder {
        let folder = ReferralFolder(directory: FileManager.default.temporaryDirectory.appendingPathComponent("agency-unit-\(UUID())", isDirectory: true))
        try folder.prepare()
        return folder
    }

    static func referral(_ id: UUID, dueBy: String) -> [UInt8] {
        let json = """
            {"schema":"referral.v1","referralId":"\(id.uuidString)","caseId":"\(UUID().uuidString)","agency":"local.binagadi",
             "needs":["housing","documents"],"issuedAt":"2026-06-01T10:00:00+04:00","acknowledgeBy":"2026-06-03T23:59:59+04:00",
             "dueBy":"\(dueBy)","person":{"firstName":"Əli","district":"binagadi, \\"old\\" town"},"children":[]}
            """
        return Array(json.utf8)
    }

    @Test("the language follows LC_ALL, then LC_MESSAGES, then LANG")
    func language() {
        #expect(AgencyLanguage.fromLocale(EnvironmentReader([:])) == .en)
        #expect(AgencyLanguage.fromLocale(EnvironmentReader(["LANG": "az_AZ.UTF-8"])) == .az)
        #expect(AgencyLanguage.fromLocale(EnvironmentReader(["LC_ALL": "en_GB.UTF-8", "LANG": "az_AZ.UTF-8"])) == .en)
        #expect(AgencyLanguage.fromLocale(EnvironmentReader(["LC_ALL": "", "LC_MESSAGES": "az", "LANG": "en_US"])) == .az)
        #expect(AgencyLanguage.fromLocale(EnvironmentReader(["LANG": "C"])) == .en)
    }

    @Test("a referral saved twice is one row; an update moves its due date; cells are quoted")
    func csvFromFiles() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder.directory) }
        let id = UUID()
        let body = Self.referral(id, dueBy: "2026-06-15T23:59:59+04:00")
        let referral = try #require(PulledReferral.parse(body))
        try folder.save(referral, body: body)
        try folder.save(referral, body: body)
        let notice = Array(#"{"schema":"referral-updated.v1","referralId":"\#(id.uuidString)","dueBy":"2026-07-01","reason":"extension-approved"}"#.utf8)
        try folder.save(try #require(ReferralUpdateNotice.parse(notice)), body: notice, messageId: "referral-updated:1")
        let (entries, skipped) = folder.entries()
        #expect(skipped.isEmpty)
        #expect(entries.count == 1)
        try folder.writeCSV(entries)
        let lines = try String(contentsOf: folder.csv, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "id,case,received,acknowledge-by,due-by,needs,district")
        #expect(lines.count == 2)
        #expect(lines[1].contains("2026-07-01T23:59:59+04:00"), "\(lines[1])")
        #expect(lines[1].hasSuffix(#","binagadi, ""old"" town""#), "\(lines[1])")
        #expect(lines[1].contains(",housing;documents,"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.directory.path).filter { $0.hasPrefix(DurableFile.temporaryPrefix) }
        #expect(leftovers.isEmpty)
    }

    @Test("file names come from the message id when plain, else from a stable hash of the body")
    func fileStems() {
        #expect(ReferralFolder.fileStem(messageId: "referral-updated:abc", body: []) == "referral-updated_abc")
        let odd = ReferralFolder.fileStem(messageId: "../../etc/passwd", body: Array("x".utf8))
        #expect(odd.hasPrefix("body-") && odd == ReferralFolder.fileStem(messageId: nil, body: Array("x".utf8)))
        #expect(ReferralFolder.fileStem(messageId: ".hidden", body: Array("y".utf8)).hasPrefix("body-"))
    }

    @Test("a second lock on the folder is refused while the first is held")
    func lock() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder.directory) }
        // flock locks belong to the open file description: a second open in this process conflicts too.
        func holdingTheLock() throws {
            let first = try #require(try DirectoryLock(directory: folder.directory))
            #expect(try DirectoryLock(directory: folder.directory) == nil)
            withExtendedLifetime(first) {}
        }
        try holdingTheLock()
        // Released with its holder.
        #expect(try DirectoryLock(directory: folder.directory) != nil)
    }

    @Test("the list counts working days left and overdue")
    func listing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder.directory) }
        let late = UUID(), inTime = UUID()
        for (id, due) in [(late, "2026-06-05T23:59:59+04:00"), (inTime, "2026-06-19T23:59:59+04:00")] {
            let body = Self.referral(id, dueBy: due)
            try folder.save(try #require(PulledReferral.parse(body)), body: body)
        }
        // Wednesday 10 June 2026, noon in Baku (08:00 UTC).
        let asOf = try #require(Calendar(identifier: .gregorian).date(from: DateComponents(
            timeZone: TimeZone(identifier: "UTC"), year: 2026, month: 6, day: 10, hour: 8)))
        let (entries, skipped) = folder.entries()
        let english = AgencyCommand.List.render(
            entries, skipped: skipped, asOf: asOf, calendar: WorkingCalendar(), overdueOnly: false, directory: "inbox",
            text: AgencyText(language: .en))
        #expect(english.contains("overdue by 3 working days"), "\(english)")
        // Thursday 11 to Friday 19 June, without the holiday of 15 June.
        #expect(english.contains("6 working days left"), "\(english)")
        let overdue = AgencyCommand.List.render(
            entries, skipped: skipped, asOf: asOf, calendar: WorkingCalendar(), overdueOnly: true, directory: "inbox",
            text: AgencyText(language: .az))
        #expect(overdue.contains("3 iş günü gecikir"), "\(overdue)")
        #expect(!overdue.contains(inTime.uuidString.lowercased()))
    }

    @Test("a recorded completion or decline closes a referral: listed with its status, never overdue, never reopened")
    func recordedStatuses() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder.directory) }
        let completed = UUID(), declined = UUID(), acknowledged = UUID(), unknown = UUID()
        for id in [completed, declined, acknowledged, unknown] {
            let body = Self.referral(id, dueBy: "2026-06-05T23:59:59+04:00")
            try folder.save(try #require(PulledReferral.parse(body)), body: body)
        }
        let now = Date()
        try folder.record(AppliedStatus(referralId: completed, status: .inProgress, confirmedAt: now))
        try folder.record(AppliedStatus(referralId: completed, status: .completed, confirmedAt: now))
        // An older answer arriving last does not reopen it.
        try folder.record(AppliedStatus(referralId: completed, status: .acknowledged, confirmedAt: now))
        try folder.record(AppliedStatus(referralId: declined, status: .declined, confirmedAt: now))
        try folder.record(AppliedStatus(referralId: acknowledged, status: .acknowledged, confirmedAt: now))

        let file = folder.statuses.appendingPathComponent("\(completed.uuidString.lowercased()).json")
        let recorded = try #require(AppliedStatus.parse(Array(try Data(contentsOf: file))))
        #expect(recorded.referralId == completed && recorded.status == .completed)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(#""referralId":"\#(completed.uuidString.lowercased())""#) && text.contains(#""status":"completed""#), "\(text)")
        #expect(text.contains("+04:00"), "\(text)")

        let (entries, skipped) = folder.entries()
        #expect(skipped.isEmpty, "the statuses folder is not a referral file: \(skipped)")
        #expect(Dictionary(uniqueKeysWithValues: entries.map { ($0.referral.referralId, $0.status) })
            == [completed: .completed, declined: .declined, acknowledged: .acknowledged, unknown: nil])
        let asOf = try #require(Calendar(identifier: .gregorian).date(from: DateComponents(
            timeZone: TimeZone(identifier: "UTC"), year: 2026, month: 6, day: 10, hour: 8)))
        let overdue = AgencyCommand.List.render(
            entries, skipped: skipped, asOf: asOf, calendar: WorkingCalendar(), overdueOnly: true, directory: "inbox",
            text: AgencyText(language: .en))
        #expect(overdue.contains("Overdue referrals in inbox as of") && overdue.contains(": 2\n"), "\(overdue)")
        #expect(overdue.contains(acknowledged.uuidString.lowercased()) && overdue.contains(unknown.uuidString.lowercased()))
        #expect(!overdue.contains(completed.uuidString.lowercased()) && !overdue.contains(declined.uuidString.lowercased()), "\(overdue)")
        let all = AgencyCommand.List.render(
            entries, skipped: skipped, asOf: asOf, calendar: WorkingCalendar(), overdueOnly: false, directory: "inbox",
            text: AgencyText(language: .en))
        let completedLine = try #require(all.split(separator: "\n").first { $0.contains(completed.uuidString.lowercased()) })
        #expect(completedLine.contains("completed") && completedLine.hasSuffix("closed"), "\(completedLine)")
        let unknownLine = try #require(all.split(separator: "\n").first { $0.contains(unknown.uuidString.lowercased()) })
        #expect(unknownLine.contains(" - ") && unknownLine.contains("overdue by 3 working days"), "\(unknownLine)")

        // The CSV that pull writes keeps its columns.
        try folder.writeCSV(entries)
        let header = try String(contentsOf: folder.csv, encoding: .utf8).components(separatedBy: "\r\n").first
        #expect(header == "id,case,received,acknowledge-by,due-by,needs,district")
    }

    @Test("a pull removes temporary files of writes whose process has ended, not those of a running one")
    func partialWrites() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder.directory) }
        try FileManager.default.createDirectory(at: folder.statuses, withIntermediateDirectories: true)
        let running = folder.statuses.appendingPathComponent("\(DurableFile.temporaryPrefix)\(getpid())-\(UUID())")
        // Process ids stop below 2^22 on Linux: this one has ended, if it ever ran.
        let ended = folder.statuses.appendingPathComponent("\(DurableFile.temporaryPrefix)99999999-\(UUID())")
        for url in [running, ended] { #expect(FileManager.default.createFile(atPath: url.path, contents: Data())) }
        folder.removePartialWrites()
        #expect(FileManager.default.fileExists(atPath: running.path))
        #expect(!FileManager.default.fileExists(atPath: ended.path))
    }
}
