import Foundation
import TestSupport
import Testing

extension ClusterProcesses {
    /// `reintegrationctl directory` on the notification schema the real service created:
    /// people are added, changed and deactivated; entries that break a rule are refused
    /// with the field named, never the value.
    @Suite("Operator tool: directory", .serialized)
    struct DirectoryTests {
        func run(_ arguments: [String]) async throws -> OperatorTool.Outcome {
            try await OperatorTool.run(["directory"] + arguments, environment: ["NOTIFICATION_DATABASE_URL": try TestEnvironment.databaseURL()])
        }

        @Test("add, change, list and deactivate a person; refusals name the field and exit 65 or 66")
        func manageAPerson() async throws {
            try await TestCluster.with(only: ["notification"]) { _ in
                let email = "focal.\(UUID().uuidString.prefix(8).lowercased())@health.example.az"
                let added = try await run(["add", "--name", "Aysel Quliyeva", "--role", "focal-point", "--agency", "health", "--email", email])
                #expect(added.status == 0, "\(added)")
                let id = added.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(UUID(uuidString: id) != nil, "\(added)")

                let again = try await run(["add", "--name", "Someone Else", "--role", "focal-point", "--agency", "health", "--email", email])
                #expect(again.status == 65, "\(again)")

                let badEmail = try await run(["add", "--name", "Bad", "--role", "chair", "--email", "not-an-address"])
                #expect(badEmail.status == 65, "\(badEmail)")
                #expect(!badEmail.standardError.contains("not-an-address"), "the value is not repeated")

                // The service's own rules: an agency code over 64 bytes is refused here too.
                let longAgency = try await run([
                    "add", "--name", "Long", "--role", "focal-point", "--agency", String(repeating: "a", count: 65),
                    "--email", "long.\(UUID().uuidString.prefix(8).lowercased())@example.az",
                ])
                #expect(longAgency.status == 65, "\(longAgency)")
                #expect(longAgency.standardError.contains("agencies"), "\(longAgency)")
                let badRole = try await run(["add", "--name", "Bad", "--role", "boss", "--email", "boss@example.az"])
                #expect(badRole.status == 65 && badRole.standardError.contains("role must be one of"), "\(badRole)")

                let plainWebhook = try await run([
                    "change", email, "--webhook-url", "http://hooks.example.az/alerts", "--webhook-secret", "0123456789abcdef0123",
                ])
                #expect(plainWebhook.status == 65, "a webhook off this machine must be https: \(plainWebhook)")

                let changed = try await run(["change", email, "--language", "en"])
                #expect(changed.status == 0, "\(changed)")
                let listed = try await run(["list"])
                let line = try #require(listed.standardOutput.split(separator: "\n").first { $0.contains(email) }, "\(listed)")
                #expect(line.contains("\ten\t"), "\(line)")

                let deactivated = try await run(["deactivate", id])
                #expect(deactivated.status == 0, "\(deactivated)")
                #expect(try await run(["list"]).standardOutput.contains(email) == false, "inactive people are listed only with --all")
                #expect(try await run(["list", "--all"]).standardOutput.contains(email))

                let unknown = try await run(["change", "nobody.\(UUID().uuidString.prefix(6))@example.az", "--language", "az"])
                #expect(unknown.status == 66, "\(unknown)")
            }
        }
    }
}
