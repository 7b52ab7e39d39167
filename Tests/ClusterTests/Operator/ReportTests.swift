import Foundation
import Postgres
import TestSupport
import Testing
import WorkingCalendar

extension ClusterProcesses {
    /// `report` and `overdue` against the test database: a known month of referrals is
    /// written straight into the referral schema under agency codes of this run only, in
    /// January 2025, so other tests' referrals never mix into the figures.
    @Suite("Operator report and overdue list", .serialized)
    struct ReportTests {
        let calendar = WorkingCalendar()

        /// One referral of the scenario: Baku wall-clock times, default deadlines.
        struct Row {
            var agency: String
            var issued: String
            var status: String
            var acknowledged: String?
            var completed: String?
        }

        static func baku(_ text: String) -> Date { ISO8601DateFormatter().date(from: text + "+04:00")! }

        /// The scenario the unit tests work out by hand (ReintegrationctlTests/ReportScenario.swift).
        func scenario(_ tag: String) -> [Row] {
            let health = "\(tag).health", labour = "\(tag).labour"
            return [
                Row(agency: health, issued: "2025-01-06T10:00:00", status: "completed", acknowledged: "2025-01-07T09:00:00", completed: "2025-01-13T15:00:00"),
                Row(agency: health, issued: "2025-01-06T11:00:00", status: "completed", acknowledged: "2025-01-09T09:00:00", completed: "2025-01-22T15:00:00"),
                Row(agency: health, issued: "2025-01-07T10:00:00", status: "in-progress", acknowledged: "2025-01-08T10:00:00"),
                Row(agency: health, issued: "2025-01-20T10:00:00", status: "issued"),
                Row(agency: labour, issued: "2025-01-01T00:30:00", status: "completed", acknowledged: "2025-01-02T10:00:00", completed: "2025-01-03T12:00:00"),
                Row(agency: labour, issued: "2025-01-08T10:00:00", status: "declined"),
                Row(agency: labour, issued: "2025-01-10T10:00:00", status: "completed", acknowledged: "2025-01-13T10:00:00", completed: "2025-01-17T10:00:00"),
                Row(agency: labour, issued: "2025-01-22T10:00:00", status: "acknowledged", acknowledged: "2025-01-23T10:00:00"),
                Row(agency: labour, issued: "2024-12-31T23:00:00", status: "issued"),
            ]
        }

        /// Writes the rows (one case each) with their status history; returns the referral ids.
        func insert(_ rows: [Row], into database: PostgresPool) async throws -> [UUID] {
            let calendar = calendar
            return try await database.withTransaction { connection in
                try rows.map { row in
                    let caseId = UUID(), referralId = UUID(), issued = Self.baku(row.issued)
                    try connection.execute(
                        "INSERT INTO referral.cases (case_id, awaiting_consent, case_event) VALUES ($1, false, '{}'::jsonb)", [.uuid(caseId)])
                    try connection.execute("""
                        INSERT INTO referral.referrals (referral_id, case_id, agency, needs, status, issued_at, acknowledge_by, due_by)
                        VALUES ($1, $2, $3, '{}', $4, $5, $6, $7)
                        """, [
                            .uuid(referralId), .uuid(caseId), .text(row.agency), .text(row.status), .timestamp(issued),
                            .timestamp(calendar.endOfWorkingDay(2, after: issued)), .timestamp(calendar.endOfWorkingDay(10, after: issued)),
                        ])
                    var history: [(String?, String, String)] = [(nil, "issued", row.issued)]
                    if let acknowledged = row.acknowledged { history.append(("issued", "acknowledged", acknowledged)) }
                    if let completed = row.completed { history.append(("acknowledged", "completed", completed)) }
                    if row.status == "declined" { history.append(("issued", "declined", "2025-01-09T10:00:00")) }
                    for (from, to, at) in history {
                        try connection.execute("""
                            INSERT INTO referral.status_history (referral_id, from_status, to_status, reported_at, recorded_at, actor)
                            VALUES ($1, $2, $3, $4, $4, 'report-test')
                            """, [.uuid(referralId), PostgresValue(from), .text(to), .timestamp(Self.baku(at))])
                    }
                    return referralId
                }
            }
        }

        func remove(tag: String, from database: PostgresPool) async throws {
            try await database.withTransaction { connection in
                let pattern = PostgresValue.text(tag + ".%")
                try connection.execute("""
                    DELETE FROM referral.status_history WHERE referral_id IN (SELECT referral_id FROM referral.referrals WHERE agency LIKE $1)
                    """, [pattern])
                let cases = try connection.query("DELETE FROM referral.referrals WHERE agency LIKE $1 RETURNING case_id::text", [pattern])
                    .map { try $0[0].decode(String.self) }
                for caseId in cases { try connection.execute("DELETE FROM referral.cases WHERE case_id = $1::uuid", [.text(caseId)]) }
            }
        }

        static func tag() -> String { "rt" + String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(8)) }

        @Test("the report's figures per agency match the known month, in CSV and HTML")
        func reportFigures() async throws {
            try await TestCluster.with(only: ["referral"]) { cluster in
                let tag = Self.tag()
                _ = try await insert(scenario(tag), into: cluster.database)
                let url = try TestEnvironment.databaseURL()
                let csv = try await OperatorTool.run(
                    ["report", "--from", "2025-01-01", "--to", "2025-01-31", "--format", "csv"], environment: ["ADMIN_DATABASE_URL": url])
                #expect(csv.status == 0, "\(csv)")
                let lines = csv.standardOutput.components(separatedBy: "\r\n").filter { $0.contains(tag) }
                #expect(lines == [
                    "2025-01-01,2025-01-31,\(tag).health,4,2,1,1,0,2,2,8.5,0,0,0",
                    "2025-01-01,2025-01-31,\(tag).labour,4,3,2,0,1,1,1,3.5,0,0,0",
                ], "\(csv)")

                let table = try await OperatorTool.run(["report", "--from", "2025-01-01", "--to", "2025-01-31"], environment: ["ADMIN_DATABASE_URL": url])
                #expect(table.status == 0, "\(table)")
                #expect(table.standardOutput.contains("\(tag).health"))

                let file = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(tag).html")
                defer { try? FileManager.default.removeItem(at: file) }
                let html = try await OperatorTool.run([
                    "report", "--from", "2025-01-01", "--to", "2025-01-31", "--format", "html", "--output", file.path,
                ], environment: ["ADMIN_DATABASE_URL": url])
                #expect(html.status == 0, "\(html)")
                let page = try String(contentsOf: file, encoding: .utf8)
                #expect(page.contains("<svg") && page.contains("\(tag).labour"))
                #expect(!page.contains("http://") && !page.contains("https://"))
                try await remove(tag: tag, from: cluster.database)
            }
        }

        @Test("overdue lists the referrals past a deadline, with the deadline missed and working days late")
        func overdueList() async throws {
            try await TestCluster.with(only: ["referral"]) { cluster in
                let tag = Self.tag()
                let ids = try await insert(scenario(tag), into: cluster.database)
                let url = try TestEnvironment.databaseURL()

                let json = try await OperatorTool.run(["overdue", "--agency", "\(tag).health", "--json"], environment: ["ADMIN_DATABASE_URL": url])
                #expect(json.status == 0, "\(json)")
                let document = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
                let groups = try #require(document["agencies"] as? [[String: Any]])
                #expect(groups.map { $0["agency"] as? String } == ["\(tag).health"])
                let referrals = try #require(groups.first?["referrals"] as? [[String: Any]])
                // The in-progress referral past due-by and the one never acknowledged; the completed ones are not listed.
                #expect(Set(referrals.compactMap { $0["referralId"] as? String }.map { $0.lowercased() })
                    == Set([ids[2], ids[3]].map { $0.uuidString.lowercased() }))
                let now = Date()
                let due = calendar.endOfWorkingDay(10, after: Self.baku("2025-01-07T10:00:00"))
                let inProgress = try #require(referrals.first { ($0["referralId"] as? String)?.lowercased() == ids[2].uuidString.lowercased() })
                #expect(inProgress["missed"] as? String == "not completed")
                #expect(inProgress["workingDaysLate"] as? Int == calendar.workingDays(from: due, to: now))

                let table = try await OperatorTool.run(["overdue", "--agency", "\(tag).labour"], environment: ["ADMIN_DATABASE_URL": url])
                #expect(table.status == 0, "\(table)")
                #expect(table.standardOutput.contains(ids[8].uuidString.lowercased()), "\(table)")
                #expect(table.standardOutput.contains("not completed"), "\(table)")
                #expect(!table.standardOutput.contains(ids[6].uuidString.lowercased()), "completed: \(table)")
                try await remove(tag: tag, from: cluster.database)
            }
        }

        @Test("wrong usage exits 64 and an unreachable database 69, each saying what to do")
        func exitCodes() async throws {
            let badDate = try await OperatorTool.run(["report", "--from", "2025-13-01", "--to", "2025-01-31"])
            #expect(badDate.status == 64, "\(badDate)")
            #expect(badDate.standardError.contains("--from"))
            let backwards = try await OperatorTool.run(["report", "--from", "2025-02-01", "--to", "2025-01-31", "--database-url", "postgresql://x@127.0.0.1:1/x"])
            #expect(backwards.status == 64, "\(backwards)")
            let unreachable = try await OperatorTool.run(
                ["overdue"], environment: ["ADMIN_DATABASE_URL": "postgresql://nobody:secret@127.0.0.1:1/reintegration"],
                timeout: .seconds(60))
            #expect(unreachable.status == 69, "\(unreachable)")
            #expect(unreachable.standardError.contains("cannot be reached"))
            #expect(!unreachable.standardError.contains("secret"))
            // A password on the command line is refused before anything connects.
            let exposed = try await OperatorTool.run(["overdue", "--database-url", "postgresql://nobody:secret@127.0.0.1:1/reintegration"])
            #expect(exposed.status == 64, "\(exposed)")
            #expect(exposed.standardError.contains("must not contain a password"), "\(exposed)")
            #expect(!exposed.standardError.contains("secret@"))
        }
    }
}
