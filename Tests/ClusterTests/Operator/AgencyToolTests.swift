import AMQP
import Contract
import Foundation
import Postgres
import TestSupport
import Testing
import WorkingCalendar

extension ClusterProcesses {
    /// `reintegrationctl agency` with the sample agencies' own accounts on the real cluster.
    @Suite("Operator tool: an agency's inbox", .serialized)
    struct AgencyToolTests {
        func environment(_ code: String, language: String = "en_US.UTF-8") throws -> [String: String] {
            ["AGENCY_AMQP_URL": try TestEnvironment.value(AgencyClient.urlVariable(code)), "LC_ALL": "", "LC_MESSAGES": "", "LANG": language]
        }

        func status(of referralId: String, _ cluster: TestCluster) async throws -> Int {
            try await cluster.count("SELECT count(*) FROM referral.referrals WHERE referral_id = $1::uuid AND status = 'completed'", [.text(referralId)])
        }

        @Test("agency update prints the outcome and exits 0 applied or duplicate, 65 refused, 75 without an answer, in az and en")
        func update() async throws {
            try await TestCluster.with(only: ["intake", "referral"]) { cluster in
                let (_, referralId) = try await AgencyTests().openCase(cluster)
                let english = try environment("health")
                let applied = try await OperatorTool.run(["agency", "update", referralId, "acknowledged", "--officer", "o-1"], environment: english)
                #expect(applied.status == 0, "\(applied)")
                #expect(applied.standardOutput.contains("applied: referral \(referralId.lowercased()) is now acknowledged"), "\(applied)")

                // A duplicate, in Azerbaijani from the locale, with the password in a file.
                let passwordFile = try PasswordFile(url: TestEnvironment.value(AgencyClient.urlVariable("health")))
                defer { passwordFile.remove() }
                let duplicate = try await OperatorTool.run(
                    ["agency", "update", referralId, "acknowledged"] + passwordFile.arguments(url: "--amqp-url", file: "--password-file"),
                    environment: ["AGENCY_AMQP_URL": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "az_AZ.UTF-8"])
                #expect(duplicate.status == 0, "\(duplicate)")
                #expect(duplicate.standardOutput.contains("təkrar"), "\(duplicate)")

                // Asking for more time says that the working group decides; the status stays.
                let later = WorkingCalendar().localDay(of: Date().addingTimeInterval(90 * 86_400)).description
                let asked = try await OperatorTool.run(
                    ["agency", "update", referralId, "extension-requested", "--due-by", later, "--note", "waiting for documents"],
                    environment: english)
                #expect(asked.status == 0, "\(asked)")
                #expect(asked.standardOutput.contains("more time until \(later) asked for referral \(referralId.lowercased()) (still acknowledged)"), "\(asked)")

                // Going back is refused with its reason, exit 65.
                #expect(try await OperatorTool.run(["agency", "update", referralId, "in-progress"], environment: english).status == 0)
                let refused = try await OperatorTool.run(["agency", "update", referralId, "acknowledged", "--language", "en"], environment: english)
                #expect(refused.status == 65, "\(refused)")
                #expect(refused.standardError.contains("invalid-transition"), "\(refused)")
                let refusedAz = try await OperatorTool.run(["agency", "update", referralId, "acknowledged", "--language", "az"], environment: english)
                #expect(refusedAz.status == 65)
                #expect(refusedAz.standardError.contains("rədd edildi (invalid-transition)"), "\(refusedAz)")

                // Another agency's referral.
                let wrong = try await OperatorTool.run(["agency", "update", referralId, "completed"], environment: try environment("labour"))
                #expect(wrong.status == 65)
                #expect(wrong.standardError.contains("wrong-agency"), "\(wrong)")

                // Without intake nobody delivers the answer: exit 75, and the update is still applied.
                await cluster["intake"].stop()
                let waiting = try await OperatorTool.run(["agency", "update", referralId, "completed", "--timeout", "3"], environment: english)
                #expect(waiting.status == 75, "\(waiting)")
                #expect(waiting.standardError.contains("may still be applied"), "\(waiting)")
                #expect(try await cluster.waitForCount(
                    "SELECT count(*) FROM referral.referrals WHERE referral_id = $1::uuid AND status = 'completed'", [.text(referralId)], toBe: 1) == 1)
            }
        }

        @Test("agency update refuses wrong usage with 64 and an unreachable broker with 69")
        func updateUsage() async throws {
            let english = try environment("health")
            let id = UUID().uuidString
            for arguments in [
                ["agency", "update", "not-a-uuid", "acknowledged"],
                ["agency", "update", id, "issued"],
                ["agency", "update", id, "declined"],
                ["agency", "update", id, "extension-requested", "--note", "more time"],
                ["agency", "update", id, "extension-requested", "--due-by", "2027-01-10"],
                ["agency", "update", id, "acknowledged", "--due-by", "2027-01-10"],
                ["agency", "update", id, "acknowledged", "--amqp-url", "amqp://agency-health:secret@127.0.0.1:5672/x"],
                ["agency", "update", id, "acknowledged", "--folder", "/nonexistent-\(id)"],
            ] {
                let outcome = try await OperatorTool.run(arguments, environment: english)
                #expect(outcome.status == 64, "\(arguments): \(outcome)")
                #expect(!outcome.standardError.contains("secret"))
            }
            var unreachable = try #require(URLComponents(string: try TestEnvironment.value(AgencyClient.urlVariable("health"))))
            unreachable.port = 1
            let outcome = try await OperatorTool.run(
                ["agency", "update", id, "acknowledged"], environment: english.merging(["AGENCY_AMQP_URL": unreachable.string ?? ""]) { _, new in new })
            #expect(outcome.status == 69, "\(outcome)")
            let help = try await OperatorTool.run(["agency", "update", "--help"], environment: english)
            #expect(help.standardOutput.contains("Exit codes"), "\(help)")
        }

        /// A `referral.v1` as the referral service writes it, for the agency `education`.
        static func referral(id: UUID, dueBy: String) -> [UInt8] {
            Records.bytes([
                "schema": "referral.v1", "referralId": ContractID.text(id), "caseId": ContractID.text(UUID()), "agency": "education",
                "needs": ["education"], "issuedAt": "2026-11-02T10:00:00+04:00", "acknowledgeBy": "2026-11-04T23:59:59+04:00",
                "dueBy": dueBy, "person": ["firstName": "Aysel", "district": "binagadi"], "children": [],
            ])
        }

        func publish(_ body: [UInt8], type: String, messageId: String, to agency: String = "education", _ cluster: TestCluster) async throws {
            let message = OutgoingMessage(
                exchange: ExchangeName.referrals, routingKey: agency,
                properties: .persistentJSON(messageId: messageId, type: type), body: body)
            #expect(try await cluster.broker.publish([message]) == [.confirmed])
        }

        func csvRows(_ directory: URL) throws -> [String] {
            let text = try String(contentsOf: directory.appendingPathComponent("referrals.csv"), encoding: .utf8)
            return text.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        }

        @Test("agency pull keeps every referral once through a kill between writing and acknowledging; list shows deadlines")
        func pullSurvivesKill() async throws {
            try await TestCluster.with(only: ["referral"]) { cluster in
                let environment = try environment("education")
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agency-\(UUID().uuidString)", isDirectory: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                // What earlier tests left in the queue goes first, into the same folder.
                #expect(try await OperatorTool.run(["agency", "pull", "--to", directory.path, "--wait", "1"], environment: environment).status == 0)

                let overdue = UUID(), inTime = UUID(), extended = UUID()
                func daysFromNow(_ days: Int) -> String {
                    Timestamp.format(Date().addingTimeInterval(Double(days) * 86_400), in: WorkingCalendar.bakuTimeZone)
                }
                let extendedDue = daysFromNow(90)
                try await publish(Self.referral(id: overdue, dueBy: daysFromNow(-10)), type: MessageType.referral, messageId: "referral:\(overdue)", cluster)
                try await publish(Self.referral(id: inTime, dueBy: daysFromNow(60)), type: MessageType.referral, messageId: "referral:\(inTime)", cluster)
                try await publish(Self.referral(id: extended, dueBy: daysFromNow(-20)), type: MessageType.referral, messageId: "referral:\(extended)", cluster)
                try await publish(Records.bytes([
                    "schema": "referral-updated.v1", "referralId": ContractID.text(extended), "dueBy": extendedDue,
                    "reason": "extension-approved", "note": "approved by the secretariat",
                ]), type: "referral-updated.v1", messageId: "referral-updated:\(extended)", cluster)
                try await publish(Array("{oops".utf8), type: MessageType.referral, messageId: "garbled-\(UUID())", cluster)

                // Killed after writing the second file and before acknowledging it.
                let killed = try await OperatorTool.run(
                    ["agency", "pull", "--to", directory.path, "--wait", "2"],
                    environment: environment.merging(["REINTEGRATIONCTL_TEST_AGENCY_PULL_KILL_AFTER": "2"]) { _, new in new })
                #expect(killed.status == 128 + SIGKILL, "\(killed)")

                let pulled = try await OperatorTool.run(["agency", "pull", "--to", directory.path, "--wait", "2"], environment: environment)
                #expect(pulled.status == 0, "\(pulled)")
                #expect(pulled.standardOutput.contains("kept aside unreadable/"), "\(pulled)")
                for id in [overdue, inTime, extended] {
                    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(ContractID.text(id)).json").path))
                }
                var rows = try csvRows(directory)
                #expect(Set(rows).count == rows.count, "a row appears twice")
                let ids = rows.map { String($0.prefix(36)) }
                #expect(Set(ids).count == ids.count, "a referral has two rows")
                for id in [overdue, inTime, extended] {
                    #expect(ids.filter { $0 == ContractID.text(id) }.count == 1, "\(id) is not exactly once in the CSV")
                }
                let extendedRow = try #require(rows.first { $0.hasPrefix(ContractID.text(extended)) })
                #expect(extendedRow.contains(extendedDue), "the approved extension did not move the due date: \(extendedRow)")
                let unreadable = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("unreadable").path)
                #expect(unreadable.filter { $0.hasSuffix(".body") }.count == 1 && unreadable.filter { $0.hasSuffix(".txt") }.count == 1, "\(unreadable)")

                // Again: nothing new, the same rows.
                #expect(try await OperatorTool.run(["agency", "pull", "--to", directory.path, "--wait", "1"], environment: environment).status == 0)
                rows = try csvRows(directory)
                #expect(rows.map { String($0.prefix(36)) }.sorted() == ids.sorted())

                // Two pulls at once: the second finds the folder locked and does nothing.
                let lock = open(directory.appendingPathComponent(".lock").path, O_RDWR)
                #expect(flock(lock, LOCK_EX | LOCK_NB) == 0)
                let busy = try await OperatorTool.run(["agency", "pull", "--to", directory.path, "--wait", "1"], environment: environment)
                #expect(busy.status == 75, "\(busy)")
                close(lock)

                // The list, from the files alone.
                let listed = try await OperatorTool.run(["agency", "list", "--from", directory.path], environment: environment)
                #expect(listed.status == 0, "\(listed)")
                #expect(listed.standardOutput.contains(ContractID.text(inTime)) && listed.standardOutput.contains("working days left"), "\(listed)")
                let late = try await OperatorTool.run(["agency", "list", "--from", directory.path, "--overdue"], environment: environment)
                #expect(late.standardOutput.contains(ContractID.text(overdue)), "\(late)")
                #expect(late.standardOutput.contains("overdue by"), "\(late)")
                #expect(!late.standardOutput.contains(ContractID.text(inTime)) && !late.standardOutput.contains(ContractID.text(extended)), "\(late)")
                let azerbaijani = try await OperatorTool.run(
                    ["agency", "list", "--from", directory.path, "--overdue", "--language", "az"], environment: environment)
                #expect(azerbaijani.standardOutput.contains("gecikir"), "\(azerbaijani)")
                let missing = try await OperatorTool.run(["agency", "list", "--from", directory.path + "-none"], environment: environment)
                #expect(missing.status == 66)
            }
        }

        @Test("agency update --folder records the status the cluster confirmed; list shows it and no longer counts a completed referral overdue")
        func updateRecordsStatus() async throws {
            try await TestCluster.with(only: ["intake", "referral"]) { cluster in
                let environment = try environment("health")
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agency-\(UUID().uuidString)", isDirectory: true)
                let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("agency-\(UUID().uuidString)", isDirectory: true)
                defer { for folder in [directory, elsewhere] { try? FileManager.default.removeItem(at: folder) } }
                try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
                let (_, referralId) = try await AgencyTests().openCase(cluster)
                let id = referralId.lowercased()
                #expect(try await cluster.waitForCount(
                    "SELECT count(*) FROM referral.outbox WHERE message_id = $1 AND published_at IS NOT NULL", [.text("referral:\(id)")], toBe: 1) == 1)
                // The referral as the agency would hold it weeks later: the same id, its due-by passed.
                let due = Timestamp.format(Date().addingTimeInterval(-10 * 86_400), in: WorkingCalendar.bakuTimeZone)
                try await publish(Self.referral(id: try #require(UUID(uuidString: id)), dueBy: due), type: MessageType.referral,
                                  messageId: "referral-late:\(id)", to: "health", cluster)
                let pulled = try await OperatorTool.run(["agency", "pull", "--to", directory.path, "--wait", "2"], environment: environment)
                #expect(pulled.status == 0, "\(pulled)")
                func list(_ options: [String] = []) async throws -> String {
                    let outcome = try await OperatorTool.run(["agency", "list", "--from", directory.path] + options, environment: environment)
                    #expect(outcome.status == 0, "\(outcome)")
                    return outcome.standardOutput
                }
                func line(of id: String, in text: String) -> String? { text.split(separator: "\n").first { $0.hasPrefix(id) }.map(String.init) }
                #expect(line(of: id, in: try await list(["--overdue"]))?.contains("overdue by") == true)

                // Acknowledged: recorded and shown, still overdue.
                let acknowledged = try await OperatorTool.run(["agency", "update", id, "acknowledged", "--folder", directory.path], environment: environment)
                #expect(acknowledged.status == 0, "\(acknowledged)")
                let statusFile = directory.appendingPathComponent("statuses/\(id).json")
                let first = try String(contentsOf: statusFile, encoding: .utf8)
                #expect(first.contains(#""status":"acknowledged""#) && first.contains(#""referralId":"\#(id)""#), "\(first)")
                let stillLate = try #require(line(of: id, in: try await list(["--overdue"])))
                #expect(stillLate.contains("acknowledged") && stillLate.contains("overdue by"), "\(stillLate)")

                // Completed: recorded; the list shows it closed and --overdue leaves it out.
                let completed = try await OperatorTool.run(
                    ["agency", "update", id, "completed", "--note", "employment found", "--folder", directory.path], environment: environment)
                #expect(completed.status == 0, "\(completed)")
                #expect(try String(contentsOf: statusFile, encoding: .utf8).contains(#""status":"completed""#))
                let overdue = try await list(["--overdue"])
                #expect(line(of: id, in: overdue) == nil, "\(overdue)")
                let all = try #require(line(of: id, in: try await list()))
                #expect(all.contains("completed") && all.hasSuffix("closed"), "\(all)")
                let azerbaijani = try #require(line(of: id, in: try await list(["--language", "az"])))
                #expect(azerbaijani.hasSuffix("bağlanıb"), "\(azerbaijani)")

                // A refused update records nothing; a repeat answered duplicate records the status where it was missing.
                let refused = try await OperatorTool.run(["agency", "update", id, "in-progress", "--folder", directory.path], environment: environment)
                #expect(refused.status == 65, "\(refused)")
                #expect(try String(contentsOf: statusFile, encoding: .utf8).contains(#""status":"completed""#))
                let repeated = try await OperatorTool.run(
                    ["agency", "update", id, "completed", "--note", "employment found", "--folder", elsewhere.path], environment: environment)
                #expect(repeated.status == 0 && repeated.standardOutput.contains("duplicate"), "\(repeated)")
                let recorded = try String(contentsOf: elsewhere.appendingPathComponent("statuses/\(id).json"), encoding: .utf8)
                #expect(recorded.contains(#""status":"completed""#), "\(recorded)")

                // A later pull keeps the record and the CSV's columns.
                #expect(try await OperatorTool.run(["agency", "pull", "--to", directory.path, "--wait", "1"], environment: environment).status == 0)
                #expect(FileManager.default.fileExists(atPath: statusFile.path))
                let csv = try String(contentsOf: directory.appendingPathComponent("referrals.csv"), encoding: .utf8)
                #expect(csv.hasPrefix("id,case,received,acknowledge-by,due-by,needs,district\r\n"))
                #expect(line(of: id, in: try await list(["--overdue"])) == nil)
            }
        }
    }
}
