import AMQP
import Contract
import Foundation
import Logging
import Messaging
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
        try await BrokerProbe.consumeRefusal(url: OperatorAccounts.url(user: user, password: password), queue: queue, logger: logger)
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
        try await admin.declare(Topology(ClusterTopology.referral(agencies: [code], deliveryLimit: TestCluster.deliveryLimit), limits: .standard))
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
        // An administrator's password never on a command line, and never in clear off this machine
        // (.invalid never resolves: nothing is sent anywhere).
        let exposed = try await OperatorTool.run(["accounts", "list", "--management-url", "http://admin:secret@127.0.0.1:15672"])
        #expect(exposed.status == 64 && exposed.standardError.contains("must not contain a password"), "\(exposed)")
        let remote = try await OperatorTool.run(
            ["accounts", "list"], environment: ["MANAGEMENT_URL": "http://admin:secret@broker.invalid:15672"])
        #expect(remote.status == 64 && remote.standardError.contains("https"), "\(remote)")
        #expect(!remote.standardError.contains("secret"))
        for arguments in [["accounts", "--help"], ["accounts", "create", "--help"], ["rejected", "--help"], ["rejected", "replay", "--help"]] {
            let help = try await OperatorTool.run(arguments)
            #expect(help.status == 0 && help.standardOutput.contains("USAGE"), "\(arguments): \(help)")
        }
    }

    /// deploy/local/provision's permission table: "account kind" → regex (topic rows:
    /// "EXCHANGE REGEX").
    static func provisionTable() throws -> [String: String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let script = try String(contentsOf: root.appendingPathComponent("deploy/local/provision"), encoding: .utf8)
        let table = try #require(script.components(separatedBy: "cat <<'TABLE'\n").dropFirst().first?.components(separatedBy: "\nTABLE").first)
        var rows: [String: String] = [:]
        for line in table.split(separator: "\n") where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
            rows["\(fields[0]) \(fields[1])"] = fields[2]
        }
        return rows
    }

    @Test("the tool's permission templates are the rows deploy/local/provision sets")
    func templatesMatchProvision() throws {
        let rows = try Self.provisionTable()
        func expect(_ row: String, _ kinds: [String: String], sourceLocation: SourceLocation = #_sourceLocation) {
            for (kind, regex) in kinds {
                #expect(rows["\(row) \(kind)"] == regex, "\(row) \(kind)", sourceLocation: sourceLocation)
            }
        }
        func topic(_ permissions: BrokerPermissions) -> String {
            permissions.topics.map { "\($0.exchange) \($0.write)" }.joined()
        }
        // provision puts the escaped name where NAME (or CODE) stands.
        let sms = PartyAccount.sms("local").permissions
        func genericSMS(_ regex: String) -> String { regex.replacingOccurrences(of: "sms-local", with: "NAME") }
        expect("sms-NAME", [
            "configure": genericSMS(sms.configure), "write": genericSMS(sms.write), "read": genericSMS(sms.read), "topic": topic(sms),
        ])
        #expect(sms.topics.allSatisfy { $0.read == "^$" }, "no topic read for SMS systems")
        let agency = PartyAccount.agency("local.binagadi").permissions
        let escaped = #"local\.binagadi"#
        func generic(_ regex: String) -> String { regex.replacingOccurrences(of: escaped, with: "CODE") }
        expect("agency-CODE", [
            "configure": generic(agency.configure), "write": generic(agency.write), "read": generic(agency.read),
            "topic": generic(topic(agency)),
        ])
        #expect(agency.topics.map(\.exchange) == [ExchangeName.agencyUpdates])
        #expect(agency.topics.first?.read == "^$", "provision gives agencies no topic read")
        let operatorAccount = PartyAccount.operator("any").permissions
        expect("operator-NAME", ["configure": operatorAccount.configure, "write": operatorAccount.write, "read": operatorAccount.read])
    }

    @Test("every service and party account on the broker has exactly its table's permissions; only intake writes to amq.default")
    func brokerPermissionsAreExact() async throws {
        let rows = try Self.provisionTable()
        let management = try ManagementAPI.fromEnvironment()
        let vhost = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "accounts-test").virtualHost
        let (status, data) = try await management.request("GET", "/api/vhosts/\(vhost)/permissions")
        #expect(status == 200)
        let entries = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let (topicStatus, topicData) = try await management.request("GET", "/api/vhosts/\(vhost)/topic-permissions")
        #expect(topicStatus == 200)
        let topicEntries = try #require(try JSONSerialization.jsonObject(with: topicData) as? [[String: Any]])
        var checked = Set<String>()
        for entry in entries {
            let user = try #require(entry["user"] as? String)
            let actual = ["configure", "write", "read"].map { entry[$0] as? String ?? "" }
            let topics = topicEntries.filter { $0["user"] as? String == user }
                .map { "\($0["exchange"] as? String ?? "") \($0["write"] as? String ?? "") \($0["read"] as? String ?? "")" }.sorted()
            let expected: [String]
            let expectedTopics: [String]
            if user.hasPrefix("svc-") {
                expected = try ["configure", "write", "read"].map { try #require(rows["\(user) \($0)"], "\(user) has no row") }
                expectedTopics = []
            } else if let account = PartyAccount(userName: user) {
                let permissions = account.permissions
                expected = [permissions.configure, permissions.write, permissions.read]
                expectedTopics = permissions.topics.map { "\($0.exchange) \($0.write) \($0.read)" }.sorted()
            } else {
                // The local administrator (deploy/local only) and accounts of other tests' making.
                continue
            }
            #expect(actual == expected, "\(user): \(actual) is not \(expected)")
            #expect(topics == expectedTopics, "\(user): topic permissions \(topics) are not \(expectedTopics)")
            let writesDefault = (try? Regex(actual[1]).wholeMatch(in: "amq.default")) != nil
            #expect(writesDefault == (user == "svc-intake"), "\(user) may write to amq.default: \(writesDefault)")
            checked.insert(user)
        }
        #expect(checked.isSuperset(of: ["svc-intake", "svc-referral", "svc-escalation", "svc-notification", "sms-local", "sms-other", "agency-health"]),
                "\(checked)")
    }

    @Test("accounts list reports topic permissions that differ from the contract")
    func listComparesTopicPermissions() async throws {
        let name = "topic-\(UUID().uuidString.prefix(6).lowercased())"
        let user = AccountName.sms(name)
        try await OperatorAccounts.delete(user)
        _ = try await OperatorAccounts.create("sms", name)
        let environment = try OperatorAccounts.environment()
        let listed = try await OperatorTool.run(["accounts", "list"], environment: environment)
        #expect(listed.standardOutput.contains("\(user)\tsms\tactive\tcontract"), "\(listed)")
        // Its own rejected queue came with it.
        let vhost = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "accounts-test").virtualHost
        let management = try ManagementAPI.fromEnvironment()
        let (queueStatus, _) = try await management.request("GET", "/api/queues/\(vhost)/\(QueueName.intakeRejected(account: user))")
        #expect(queueStatus == 200, "no intake.rejected.\(user) after accounts create")
        // A wider topic permission is a difference.
        let body = try JSONSerialization.data(withJSONObject: ["exchange": ExchangeName.intake, "write": ".*", "read": "^$"])
        let (status, _) = try await management.request("PUT", "/api/topic-permissions/\(vhost)/\(user)", body: body)
        #expect(status / 100 == 2)
        let changed = try await OperatorTool.run(["accounts", "list"], environment: environment)
        #expect(changed.standardOutput.contains("\(user)\tsms\tactive\tdiffer"), "\(changed)")
        _ = try await management.request("DELETE", "/api/queues/\(vhost)/\(QueueName.intakeRejected(account: user))")
        try await OperatorAccounts.delete(user)
    }
}
