import AMQP
import Contract
import Foundation
import Logging
import Postgres
import TestSupport
import Testing

extension ClusterProcesses {
    /// `reintegrationctl dashboard` against the test database, read through the reporting
    /// role, and its page in headless Chromium following an agency's update live.
    @Suite("Operator dashboard", .serialized)
    struct DashboardTests {
        /// A referral of the sample agency `health`, in progress and past its due-by deadline
        /// since January 2025, with a pending extension request.
        struct OverdueReferral {
            var caseId = UUID()
            var referralId = UUID()
            var note = "Waiting for the clinic's appointment <b>list</b>"

            func insert(into database: PostgresPool) async throws {
                let caseId = caseId, referralId = referralId, note = note
                let issued = ISO8601DateFormatter().date(from: "2025-01-06T10:00:00+04:00")!
                try await database.withTransaction { connection in
                    let event = #"{"person": {"firstName": "Əli", "lastName": "Məmmədov", "district": "Binəqədi"}}"#
                    try connection.execute(
                        "INSERT INTO referral.cases (case_id, awaiting_consent, case_event) VALUES ($1, false, $2::jsonb)",
                        [.uuid(caseId), .text(event)])
                    try connection.execute("""
                        INSERT INTO referral.referrals (referral_id, case_id, agency, needs, status, issued_at, acknowledge_by, due_by)
                        VALUES ($1, $2, 'health', '{}', 'in-progress', $3::timestamptz, $3::timestamptz + interval '2 days', $3::timestamptz + interval '14 days')
                        """, [.uuid(referralId), .uuid(caseId), .timestamp(issued)])
                    try connection.execute("""
                        INSERT INTO referral.status_history (referral_id, from_status, to_status, reported_at, recorded_at, actor)
                        VALUES ($1, NULL, 'issued', $2::timestamptz, $2::timestamptz, 'dashboard-test'),
                               ($1, 'issued', 'in-progress', $2::timestamptz + interval '1 day', $2::timestamptz + interval '1 day', 'dashboard-test')
                        """, [.uuid(referralId), .timestamp(issued)])
                    try connection.execute("""
                        INSERT INTO referral.extension_requests (referral_id, due_by_before, requested_due_by, note, requested_at)
                        VALUES ($1, $2::timestamptz + interval '14 days', DATE '2025-02-28', $3, $2::timestamptz + interval '10 days')
                        """, [.uuid(referralId), .timestamp(issued), .text(note)])
                }
            }

            func remove(from database: PostgresPool) async {
                let caseId = caseId, referralId = referralId
                _ = try? await database.withTransaction { connection in
                    try connection.execute("DELETE FROM referral.extension_requests WHERE referral_id = $1", [.uuid(referralId)])
                    try connection.execute("DELETE FROM referral.status_history WHERE referral_id = $1", [.uuid(referralId)])
                    try connection.execute("DELETE FROM referral.referrals WHERE referral_id = $1", [.uuid(referralId)])
                    try connection.execute("DELETE FROM referral.cases WHERE case_id = $1", [.uuid(caseId)])
                }
            }
        }

        /// The dashboard as a real process, on a free loopback port, with a fresh token.
        // Process is not Sendable; the dashboard process is only started, then stopped once.
        final class Dashboard: @unchecked Sendable {
            let token = UUID().uuidString.lowercased() + UUID().uuidString.lowercased()
            let port: Int
            let directory: URL
            private let process: Process

            var baseURL: String { "http://127.0.0.1:\(port)" }
            var tokenFile: URL { directory.appendingPathComponent("token") }
            var log: String { (try? String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8)) ?? "" }

            init() throws {
                directory = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                port = try Self.freePort()
                process = Process()
                try Data((token + "\n").utf8).write(to: directory.appendingPathComponent("token"))
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile.path)
            }

            func start() async throws {
                let binaries = try TestEnvironment.value(TestEnvironment.binariesVariable)
                process.executableURL = URL(fileURLWithPath: binaries).appendingPathComponent("reintegrationctl")
                process.arguments = ["dashboard", "--listen", "127.0.0.1:\(port)", "--token-file", tokenFile.path]
                var environment = ProcessInfo.processInfo.environment
                environment["REPORTING_DATABASE_URL"] = try TestEnvironment.value("REINTEGRATION_TEST_REPORTING_DATABASE_URL")
                process.environment = environment
                let logURL = directory.appendingPathComponent("log")
                _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
                let handle = try FileHandle(forWritingTo: logURL)
                process.standardOutput = handle
                process.standardError = handle
                try process.run()
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline, process.isRunning {
                    if (try? await get("/api/summary", authorization: "Bearer \(token)").status) == 200 { return }
                    try await Task.sleep(for: .milliseconds(250))
                }
                throw HeadlessChromium.Failure(description: "the dashboard did not answer within 60 s; its log:\n\(log)")
            }

            func stop() {
                if process.isRunning {
                    process.terminate()
                    process.waitUntilExit()
                }
                try? FileManager.default.removeItem(at: directory)
            }

            func get(_ path: String, authorization: String? = nil) async throws -> CurlGet.Answer {
                try CurlGet.run(baseURL + path, authorization: authorization)
            }

            /// A port nothing listens on now: bound once by the system's choice, then released.
            static func freePort() throws -> Int {
                let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                guard socket >= 0 else { throw HeadlessChromium.Failure(description: "socket() failed") }
                defer { close(socket) }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                address.sin_port = 0
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let bound = withUnsafeMutablePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
                }
                guard bound else { throw HeadlessChromium.Failure(description: "could not find a free port") }
                return Int(UInt16(bigEndian: address.sin_port))
            }
        }

        @Test("the reporting role reads the referral service's reporting views and nothing else")
        func reportingRoleIsReadOnly() async throws {
            let reporting = PostgresPool(
                configuration: try PostgresConfiguration(url: TestEnvironment.value("REINTEGRATION_TEST_REPORTING_DATABASE_URL")),
                size: 1, logger: Logger(label: "test.reporting"))
            // The referral service's migrations made the views; start it once so they exist.
            try await TestCluster.with(only: ["referral"]) { _ in }
            let views = try await reporting.withConnection { connection in
                (try connection.query("SELECT count(*) FROM referral.referral_records_v1")[0][0].decode(Int.self),
                 try connection.query("SELECT count(*) FROM referral.pending_extensions_v1")[0][0].decode(Int.self))
            }
            #expect(views.0 >= 0 && views.1 >= 0)
            for statement in [
                // An agency's note is free text: the one column of the views it may not read.
                "SELECT note FROM referral.pending_extensions_v1",
                "SELECT count(*) FROM referral.referrals", "SELECT count(*) FROM referral.cases", "SELECT count(*) FROM intake.cases",
                "SELECT count(*) FROM notification.recipients", "DELETE FROM referral.referrals",
                "CREATE TABLE referral.intruder (id int)", "CREATE TEMP TABLE scratch (id int)",
            ] {
                let refused = await #expect(throws: PostgresError.self, "\(statement)") {
                    try await reporting.withConnection { try $0.execute(statement) }
                }
                #expect(["42501", "25006"].contains(refused?.sqlState), "\(statement): \(String(describing: refused))")
            }
            await reporting.shutdown()
        }

        @Test("without the right token every request gets 401; with it the figures arrive as JSON, and the token is never logged")
        func accessAndSummary() async throws {
            try await TestCluster.with(only: ["referral"]) { cluster in
                let referral = OverdueReferral()
                try await referral.insert(into: cluster.database)
                let dashboard = try Dashboard()
                defer { dashboard.stop() }
                try await dashboard.start()

                for (path, authorization) in [
                    ("/", nil), ("/api/summary", nil), ("/dashboard.js", nil), ("/api/summary", "Bearer wrong-token-of-some-length"),
                    ("/", "Basic " + Data("viewer:not-the-token".utf8).base64EncodedString()), ("/", "Bearer " + dashboard.token + "x"),
                ] {
                    let answer = try await dashboard.get(path, authorization: authorization)
                    #expect(answer.status == 401, "\(path) \(authorization ?? "none")")
                    #expect(answer.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
                }
                let basic = "Basic " + Data("anyone:\(dashboard.token)".utf8).base64EncodedString()
                let page = try await dashboard.get("/?lang=az", authorization: basic)
                #expect(page.status == 200)
                let html = String(decoding: page.body, as: UTF8.self)
                #expect(html.contains(#"<html lang="az">"#) && html.contains("Gecikmiş yönləndirmələr"))
                #expect(!html.contains("http://") && !html.contains("https://"), "nothing fetched from elsewhere")
                #expect(html.contains("Ə. M."))
                #expect(!html.contains("appointment"), "an agency's free-text note is not shown")
                #expect(page.header("Content-Security-Policy")?.contains("default-src 'none'") == true)

                let answer = try await dashboard.get("/api/summary", authorization: "Bearer \(dashboard.token)")
                #expect(answer.status == 200)
                let document = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
                let summary = try #require(document["summary"] as? [String: Any])
                let overdue = try #require(summary["overdue"] as? [[String: Any]])
                let entry = try #require(overdue.first { $0["referralId"] as? String == ContractID.text(referral.referralId) })
                #expect(entry["agency"] as? String == "health")
                #expect(entry["caseId"] as? String == ContractID.text(referral.caseId))
                #expect(entry["personInitials"] as? String == "Ə. M.")
                #expect((entry["workingDaysLate"] as? Int ?? 0) > 100)
                let extensions = try #require(summary["pendingExtensions"] as? [[String: Any]])
                let request = try #require(extensions.first { $0["referralId"] as? String == ContractID.text(referral.referralId) })
                #expect(request["requestedDueBy"] as? String == "2025-02-28")
                #expect(request["note"] == nil, "an agency's free-text note is not shown")
                let agencies = try #require(summary["agencies"] as? [[String: Any]])
                #expect((agencies.first { $0["agency"] as? String == "health" }?["overdue"] as? Int ?? 0) >= 1)

                let english = try await dashboard.get("/", authorization: "Bearer \(dashboard.token)")
                #expect(String(decoding: english.body, as: UTF8.self).contains(#"<html lang="en">"#))

                dashboard.stop()
                #expect(!dashboard.log.contains(dashboard.token), "the token must never reach the log")
                await referral.remove(from: cluster.database)
            }
        }

        @Test("a non-loopback address without TLS, a short token or a missing token file is refused with exit 78")
        func refusedConfigurations() async throws {
            let dashboard = try Dashboard()
            defer { dashboard.stop() }
            let environment = ["REPORTING_DATABASE_URL": try TestEnvironment.value("REINTEGRATION_TEST_REPORTING_DATABASE_URL")]
            let open = try await OperatorTool.run(
                ["dashboard", "--listen", "0.0.0.0:\(dashboard.port)", "--token-file", dashboard.tokenFile.path], environment: environment)
            #expect(open.status == 78, "\(open)")
            #expect(open.standardError.contains("--tls-certificate"), "\(open)")
            let short = dashboard.directory.appendingPathComponent("short")
            try Data("abc\n".utf8).write(to: short)
            let weak = try await OperatorTool.run(["dashboard", "--token-file", short.path], environment: environment)
            #expect(weak.status == 78, "\(weak)")
            #expect(!weak.standardError.contains("abc"), "\(weak)")
            let missing = try await OperatorTool.run(["dashboard", "--token-file", "/nonexistent/token"], environment: environment)
            #expect(missing.status == 78, "\(missing)")
        }

        @Test(
            "the page in headless Chromium shows an agency's completion within seconds, without reloading",
            .enabled(if: HeadlessChromium.mayRun, "chromium is not installed: apt-get install -y chromium (deploy/local/test does)"))
        func liveUpdateInBrowser() async throws {
            try await TestCluster.with(only: ["referral"]) { cluster in
                let referral = OverdueReferral()
                try await referral.insert(into: cluster.database)
                let dashboard = try Dashboard()
                defer { dashboard.stop() }
                try await dashboard.start()
                let browser = try await HeadlessChromium.launch()
                defer { browser.stop() }

                let referralId = ContractID.text(referral.referralId)
                let token = dashboard.token, url = dashboard.baseURL + "/?lang=en"
                let health = #"document.querySelector('#agencies tbody tr[data-key="health"]')"#
                let overdueOfHealth = "Number(\(health)?.cells[2].textContent ?? -1)"
                let rowShown = #"document.querySelector('#overdue tbody tr[data-key="\#(referralId)"]') !== null"#
                let updates = "Number(document.body.dataset.updates)"
                let agency = ClusterProcesses.AgencyTests()

                try await browser.withPage { page in
                    try await page.send("Network.enable")
                    try await page.send("Network.setExtraHTTPHeaders", ["headers": ["Authorization": "Bearer \(token)"]])
                    try await page.send("Page.navigate", ["url": url])
                    #expect(try await page.waitUntil("document.readyState === 'complete' && \(rowShown)"), "the page shows the overdue referral")
                    let before = try #require(try await page.evaluate(overdueOfHealth) as? Int)
                    #expect(before >= 1)
                    // A marker that a reload would wipe out.
                    _ = try await page.evaluate("window.loadMarker = 'still the first load'; true")
                    #expect(try await page.waitUntil("\(updates) >= 1"), "the page polls /api/summary")

                    let connection = try await agency.agencyConnection("health")
                    let completion = agency.statusUpdate(referralId: referralId, status: "completed", from: "health")
                    #expect(try await connection.publish([completion]) == [.confirmed])
                    await connection.close()

                    let followed = try await page.waitUntil("!(\(rowShown)) && \(overdueOfHealth) === \(before - 1)", timeout: .seconds(90))
                    let after = try await page.evaluate(overdueOfHealth)
                    #expect(followed, "overdue of health: \(String(describing: after)), before \(before)")
                    #expect(try await page.evaluate("window.loadMarker") as? String == "still the first load", "the page was not reloaded")
                    let title = try await page.evaluate("document.title") as? String
                    let count = try await page.evaluate("Number(document.getElementById('overdue-count').textContent)") as? Int
                    #expect(title == "(\(count ?? -1)) Referrals: live view")
                }
                // Opened as viewer:token@host, as a bookmark may hold it: a browser refuses to
                // fetch an address that carries credentials, so the polls must not inherit them.
                try await browser.withPage { page in
                    let withCredentials = url.replacingOccurrences(of: "://", with: "://viewer:\(token)@")
                    try await page.send("Page.navigate", ["url": withCredentials])
                    #expect(try await page.waitUntil("document.readyState === 'complete' && \(updates) >= 1"), "the page polls /api/summary")
                    #expect(try await page.evaluate("document.getElementById('status').classList.contains('stale')") as? Bool == false)
                }
                await referral.remove(from: cluster.database)
            }
        }
    }
}
