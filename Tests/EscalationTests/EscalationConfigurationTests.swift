@testable import Escalation
import EscalationDomain
import Foundation
import Postgres
import ServiceKit
import Testing

@Suite("Escalation service configuration")
struct EscalationConfigurationTests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("escalation-\(UUID().uuidString).json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("without files the contract's ladder and the default calendar apply")
    func defaults() throws {
        let policy = try EscalationConfiguration(EnvironmentReader([:])).policy
        #expect(policy == .default)
    }

    @Test("a policy file is loaded and validated at start")
    func policyFile() throws {
        let good = try write("""
            {"agencies": {"health": [{"step": 2, "offset": {"seconds": -10}}]}}
            """)
        defer { try? FileManager.default.removeItem(atPath: good) }
        let policy = try EscalationConfiguration(EnvironmentReader(["ESCALATION_POLICY_FILE": good])).policy
        #expect(policy.ladder(for: "health")[1].offset == .seconds(-10))

        let bad = try write(#"{"steps": [{"step": 1, "anchor": "dueBy", "offset": {"seconds": 0}, "audiences": []}]}"#)
        defer { try? FileManager.default.removeItem(atPath: bad) }
        #expect(throws: EscalationPolicyError.invalidEntry(entry: "steps[0].audiences", problem: "must name at least one audience")) {
            try EscalationConfiguration(EnvironmentReader(["ESCALATION_POLICY_FILE": bad]))
        }
        #expect(throws: UnreadableConfigurationFile.self) {
            try EscalationConfiguration(EnvironmentReader(["ESCALATION_POLICY_FILE": "/nonexistent/policy.json"]))
        }
    }

    @Test("the timer's scan is served by a partial index on pending moments")
    func pendingIndex() async throws {
        try await EscalationDatabase.with { database in
            let schema = database.schema
            let definition = try await database.pool.withConnection { connection in
                try connection.query(
                    "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'ladder_steps' AND indexdef LIKE '%(moment)%'",
                    [.text(schema)]
                ).first?["indexdef"].decode(String.self)
            }
            #expect(definition?.contains("WHERE (state = 'pending'::text)") == true)
        }
    }
}
