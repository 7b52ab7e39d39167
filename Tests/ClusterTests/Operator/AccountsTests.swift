import AMQP
import Contract
import Foundation
import Logging
import TestSupport
import Testing

/// `reintegrationctl accounts` on the real broker: the accounts it makes are really
/// restricted, and disable and rotate really lock the old credentials out.
@Suite("Operator tool: accounts", .serialized)
struct AccountsTests {
    let logger = Logger(label: "test.accounts")

    func connect(_ user: String, _ password: String, name: String = "accounts-test") async throws -> AMQPConnection {
        try await AMQPConnection.connect(
            AMQPConfiguration(url: OperatorAccounts.url(user: user, password: password), connectionName: name), logger: logger)
    }

    /// The broker's answer to consuming `queue` as that account: nil when allowed.
    func consumeRefusal(_ user: String, _ password: String, queue: String) async throws -> AMQPError? {
        let connection = try await connect(user, password)
        defer { Task { await connection.close() } }
        do {
            let consumer = try await connection.consume(queue: queue, prefetch: 1)
            try await consumer.cancel()
            return nil
        } catch let error as AMQPError {
            return error
        }
    }

    func canLogIn(_ user: String, _ password: String) async -> Bool {
        guard let connection = try? await connect(user, password) else { return false }
        await connection.close()
        return true
    }

    @Test("an agency account reads only its own queue and publishes only under its own code")
    func agencyAccountIsRestricted() async throws {
        let code = "local.zardab"
        let user = AccountName.agency(code)
        try await OperatorAccounts.delete(user)
        // The queue as the referral service declares it on the test vhost.
        let admin = try await AMQPConnection.connect(
            AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "accounts-test-admin"), logger: logger)
        try await admin.declare(ClusterTopology.referral(agencies: [code], deliveryLimit: TestCluster.deliveryLimit))
        await admin.close()

        let password = try await OperatorAccounts.create("agency", code)
        #expect(password.count == 32)
        #expect(try await consumeRefusal(user, password, queue: QueueName.referrals(agency: code)) == nil)
        let refusal = try await consumeRefusal(user, password, queue: QueueName.referrals(agency: "health"))
        guard case .brokerClosed(403, _, _)? = refusal else {
            Issue.record("reading another agency's queue was not refused with 403: \(String(describing: refusal))")
            return
        }
        // Topic permissions: a status update under another agency's code is refused.
        let connection = try await connect(user, password)
        var properties = MessageProperties.persistentJSON(messageId: UUID().uuidString, type: MessageType.referralStatus)
        properties.userId = user
        await #expect(throws: AMQPError.self) {
            _ = try await connection.publish([OutgoingMessage(
                exchange: ExchangeName.agencyUpdates, routingKey: "health", properties: properties, body: Array("{}".utf8))])
        }
        await connection.close()

        let list = try await OperatorTool.run(["accounts", "list"], environment: OperatorAccounts.environment())
        #expect(list.status == 0, "\(list)")
        #expect(list.standardOutput.contains("\(user)\tagency\tactive\tcontract"), "\(list)")
        #expect(!list.standardOutput.contains(password))

        // An existing active account is not created twice.
        let again = try await OperatorTool.run(["accounts", "create", "agency", code], environment: OperatorAccounts.environment())
        #expect(again.status == 73, "\(again)")
        try await OperatorAccounts.delete(user)
    }

    @Test("rotate locks the old password out and closes open connections; disable locks the account out")
    func rotateAndDisable() async throws {
        let name = "accounts-test"
        let user = AccountName.sms(name)
        try await OperatorAccounts.delete(user)
        let environment = try OperatorAccounts.environment()
        let first = try await OperatorAccounts.create("sms", name)
        #expect(await canLogIn(user, first))

        // An open connection, once the management API lists it, is closed by rotate.
        let open = try await connect(user, first, name: "accounts-test-rotate")
        let management = try ManagementAPI.fromEnvironment()
        for _ in 0..<100 where try await management.connections(named: "accounts-test-rotate").isEmpty {
            try await Task.sleep(for: .milliseconds(200))
        }
        let passwordFile = FileManager.default.temporaryDirectory.appendingPathComponent("rotated-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: passwordFile) }
        let rotated = try await OperatorTool.run(["accounts", "rotate", "sms", name, "--password-file", passwordFile], environment: environment)
        #expect(rotated.status == 0, "\(rotated)")
        #expect(rotated.standardOutput.isEmpty, "the password goes to the file only")
        let second = try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let mode = try FileManager.default.attributesOfItem(atPath: passwordFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(second != first && second.count == 32)
        #expect(!(await canLogIn(user, first)), "the old password still works")
        #expect(await canLogIn(user, second), "the new password does not work")
        for _ in 0..<50 where open.isOpen { try await Task.sleep(for: .milliseconds(200)) }
        #expect(!open.isOpen, "rotate left the open connection")
        await open.close()

        let disabled = try await OperatorTool.run(["accounts", "disable", "sms", name], environment: environment)
        #expect(disabled.status == 0, "\(disabled)")
        #expect(!(await canLogIn(user, second)), "a disabled account still logs in")
        let list = try await OperatorTool.run(["accounts", "list"], environment: environment)
        #expect(list.standardOutput.contains("\(user)\tsms\tdisabled\tnone"), "\(list)")
        let rotateDisabled = try await OperatorTool.run(["accounts", "rotate", "sms", name], environment: environment)
        #expect(rotateDisabled.status == 66, "\(rotateDisabled)")

        // create enables it again, with a new password.
        let third = try await OperatorAccounts.create("sms", name)
        #expect(await canLogIn(user, third))
        try await OperatorAccounts.delete(user)
    }

    @Test("unknown agencies, bad names and missing accounts are refused with what to do")
    func refusals() async throws {
        let environment = try OperatorAccounts.environment()
        let unknown = try await OperatorTool.run(["accounts", "create", "agency", "local.atlantis"], environment: environment)
        #expect(unknown.status == 65, "\(unknown)")
        #expect(unknown.standardError.contains("not an agency of the contract"), "\(unknown)")
        let badName = try await OperatorTool.run(["accounts", "create", "sms", "Bad Name"], environment: environment)
        #expect(badName.status == 65, "\(badName)")
        let missing = try await OperatorTool.run(["accounts", "disable", "operator", "nobody-here"], environment: environment)
        #expect(missing.status == 66, "\(missing)")
        let noURL = try await OperatorTool.run(["accounts", "list"], environment: ["MANAGEMENT_URL": ""])
        #expect(noURL.status == 64, "\(noURL)")
        for arguments in [["accounts", "--help"], ["accounts", "create", "--help"], ["rejected", "--help"], ["rejected", "replay", "--help"]] {
            let help = try await OperatorTool.run(arguments)
            #expect(help.status == 0 && help.standardOutput.contains("USAGE"), "\(arguments): \(help)")
        }
    }

    @Test("the tool's permission templates are the rows deploy/local/provision sets")
    func templatesMatchProvision() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let script = try String(contentsOf: root.appendingPathComponent("deploy/local/provision"), encoding: .utf8)
        let table = try #require(script.components(separatedBy: "cat <<'TABLE'\n").dropFirst().first?.components(separatedBy: "\nTABLE").first)
        var rows: [String: String] = [:]
        for line in table.split(separator: "\n") where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
            rows["\(fields[0]) \(fields[1])"] = fields[2]
        }
        func expect(_ row: String, _ kinds: [String: String], sourceLocation: SourceLocation = #_sourceLocation) {
            for (kind, regex) in kinds {
                #expect(rows["\(row) \(kind)"] == regex, "\(row) \(kind)", sourceLocation: sourceLocation)
            }
        }
        let sms = PartyAccount.sms("local").permissions
        expect("sms-local", ["configure": sms.configure, "write": sms.write, "read": sms.read])
        // provision puts the escaped code where CODE stands.
        let agency = PartyAccount.agency("local.binagadi").permissions
        let escaped = #"local\.binagadi"#
        func generic(_ regex: String) -> String { regex.replacingOccurrences(of: escaped, with: "CODE") }
        expect("agency-CODE", [
            "configure": generic(agency.configure), "write": generic(agency.write), "read": generic(agency.read),
            "topic": generic(agency.topics.first?.write ?? ""),
        ])
        #expect(agency.topics.map(\.exchange) == [ExchangeName.agencyUpdates])
        #expect(agency.topics.first?.read == "^$", "provision gives agencies no topic read")
        let operatorAccount = PartyAccount.operator("any").permissions
        expect("operator-NAME", ["configure": operatorAccount.configure, "write": operatorAccount.write, "read": operatorAccount.read])
    }
}
