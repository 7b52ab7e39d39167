import Foundation
import TestSupport
import Testing

extension ClusterProcesses {
    /// `reintegrationctl bench` reports figures against the real broker and database (small
    /// loads: these check the harness works, not how fast anything is).
    @Suite("Operator tool: bench", .serialized)
    struct BenchTests {
        @Test("bench messaging measures the floor and the outbox path and prints their ratio")
        func messaging() async throws {
            let outcome = try await OperatorTool.run(
                ["bench", "messaging", "--messages", "300", "--credentials-file", "/nonexistent"],
                environment: ["BENCH_AMQP_URL": try TestEnvironment.amqpURL(), "BENCH_DATABASE_URL": try TestEnvironment.databaseURL()])
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.standardOutput.contains("broker floor: "), "\(outcome)")
            #expect(outcome.standardOutput.contains("ratio (path / floor): "), "\(outcome)")
        }

        @Test("bench escalation fires every seeded due step through the running service and removes its rows")
        func escalation() async throws {
            try await TestCluster.with(only: ["escalation"]) { cluster in
                let outcome = try await OperatorTool.run(
                    ["bench", "escalation", "--open", "200", "--due", "100", "--credentials-file", "/nonexistent"],
                    environment: ["BENCH_DATABASE_URL": try TestEnvironment.databaseURL()])
                #expect(outcome.status == 0, "\(outcome)")
                #expect(outcome.standardOutput.contains("fired 100 of 100 due steps"), "\(outcome)")
                #expect(try await cluster.count("SELECT count(*) FROM escalation.ladder_steps WHERE agency = 'bench'") == 0)
            }
        }

        @Test("bench pipeline follows records through intake and referral to confirmed referral messages")
        func pipeline() async throws {
            try await TestCluster.with(only: ["intake", "referral"]) { _ in
                let outcome = try await OperatorTool.run(
                    ["bench", "pipeline", "--records", "20", "--credentials-file", "/nonexistent"],
                    environment: [
                        "BENCH_AMQP_URL": try TestEnvironment.amqpURL(), "BENCH_DATABASE_URL": try TestEnvironment.databaseURL(),
                        "BENCH_SMS_AMQP_URL": try TestEnvironment.value("REINTEGRATION_TEST_SMS_LOCAL_AMQP_URL"),
                    ])
                #expect(outcome.status == 0, "\(outcome)")
                #expect(outcome.standardOutput.contains("intake: "), "\(outcome)")
                #expect(outcome.standardOutput.contains("record → referrals confirmed in agency queues: "), "\(outcome)")
            }
        }

        @Test("without a cluster to measure, bench says what to give")
        func missingTargets() async throws {
            let outcome = try await OperatorTool.run(
                ["bench", "messaging", "--credentials-file", "/nonexistent"],
                environment: ["BENCH_AMQP_URL": "", "BENCH_DATABASE_URL": ""])
            #expect(outcome.status != 0)
            #expect(outcome.standardError.contains("--amqp-url") || outcome.standardError.contains("--database-url"), "\(outcome)")
        }

        @Test("an unreachable broker or database exits 69 and says which")
        func unreachableTargets() async throws {
            let broker = try await OperatorTool.run(
                ["bench", "messaging", "--messages", "10", "--credentials-file", "/nonexistent"],
                environment: [
                    "BENCH_AMQP_URL": "amqp://nobody:nothing@127.0.0.1:1/reintegration_test",
                    "BENCH_DATABASE_URL": "postgresql://nobody:nothing@127.0.0.1:1/reintegration_test",
                ])
            #expect(broker.status == 69, "\(broker)")
            #expect(broker.standardError.contains("the benchmark"), "\(broker)")
            #expect(!broker.standardError.contains("nothing"), "the password is never printed")

            let database = try await OperatorTool.run(
                ["bench", "escalation", "--open", "10", "--due", "1", "--credentials-file", "/nonexistent"],
                environment: ["BENCH_DATABASE_URL": "postgresql://nobody:nothing@127.0.0.1:1/reintegration_test"])
            #expect(database.status == 69, "\(database)")
            #expect(database.standardError.contains("database"), "\(database)")
            #expect(!database.standardError.contains("nothing"), "the password is never printed")
        }
    }
}
