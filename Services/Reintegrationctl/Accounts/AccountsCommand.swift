import AMQP
import ArgumentParser
import Contract
import Foundation
import Messaging
import ServiceKit

/// `reintegrationctl accounts …`: broker accounts of SMS systems, agencies and operators,
/// with exactly the contract's permissions (`PartyAccount`), through the management API.
///
/// Exit codes: 0 done; 64 wrong usage; 65 an unknown agency code or a malformed name;
/// 66 no such account (or, for rotate, a disabled one); 69 the management API cannot be
/// reached or failed; 73 the account exists already (create); 77 the management API
/// refused the administrator's credentials; 1 otherwise.
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Create, disable and rotate the broker accounts of SMS systems, agencies and operators.",
        discussion: """
            Accounts are sms-<name>, agency-<code> and operator-<name>, with the contract's least \
            permissions on the vhost: an SMS system publishes records and consent updates to intake and \
            reads its reply queues and its own intake.rejected.<account> (created with the account); an \
            agency reads referrals.<code> and publishes to agency.updates under its own code (reading the \
            outcomes on its reply queues); an operator \
            reads every intake.rejected.* queue and agency.updates.rejected and replays to intake.
            Passwords are generated, shown once (or written to --password-file) and never logged.
            Exit codes: 0 done; 64 wrong usage; 65 unknown agency or malformed name; 66 no such account             (rotate: disabled); 69 management API unreachable or failing; 73 account exists (create);             77 management API refused the administrator's credentials.
            """,
        subcommands: [Create.self, Disable.self, Rotate.self, List.self]
    )

    /// The tag that marks a disabled party account (no password, no permissions).
    static let disabledTag = "disabled"

    /// Where the management API is and which vhost the accounts act on.
    struct ManagementOptions: ParsableArguments {
        @Option(help: "Management API URL of an administrator, https://user@host:port (http only to this machine), with --management-password-file (default: $MANAGEMENT_URL, which may hold the password, as in .local/credentials.env).")
        var managementURL: String?

        @Option(help: "A file (mode 600) whose first line is the password of --management-url's user.")
        var managementPasswordFile: String?

        @Option(help: "The cluster's vhost (default: $REINTEGRATION_VHOST, then reintegration).")
        var vhost: String?

        func client() throws(CommandFailure) -> ManagementClient {
            let environment = EnvironmentReader()
            let given = try CommandLineURL.checked(
                managementURL, option: "--management-url", passwordFile: managementPasswordFile, passwordFileOption: "--management-password-file")
            guard let url = given ?? environment.string("MANAGEMENT_URL"), !url.isEmpty else {
                throw CommandFailure(usage: "give --management-url (or set MANAGEMENT_URL): the broker's management API with an administrator's credentials")
            }
            return try ManagementClient(url: url, vhost: vhost ?? environment.string("REINTEGRATION_VHOST") ?? "reintegration")
        }
    }

    /// `<kind> <name>` of one account.
    struct AccountArguments: ParsableArguments {
        @Argument(help: "sms, agency or operator.")
        var kind: String

        @Argument(help: "The SMS system's or operator's name (a-z, 0-9, -), or the agency code (health, labour, education, local.<district>).")
        var name: String

        func account() throws(CommandFailure) -> PartyAccount {
            guard let kind = PartyAccount.Kind(rawValue: kind) else {
                throw CommandFailure(usage: "the kind must be sms, agency or operator")
            }
            switch kind {
            case .agency:
                guard PartyAccount.isKnownAgency(name) else {
                    throw CommandFailure(data: """
                        "\(name)" is not an agency of the contract: use health, labour, education or local.<district> \
                        with a district code of the catalog (e.g. local.binagadi)
                        """)
                }
                return .agency(name)
            case .sms, .operator:
                guard PartyAccount.isValidName(name) else {
                    throw CommandFailure(data: "the \(kind.rawValue) name must be 1–32 of a-z, 0-9 and - (not at either end)")
                }
                return kind == .sms ? .sms(name) : .operator(name)
            }
        }
    }

    /// Where a new password goes.
    struct PasswordOptions: ParsableArguments {
        @Option(help: "Write the new password to this file (mode 600) instead of printing it.")
        var passwordFile: String?

        /// Prints the password once on stdout (alone on its line) or writes it to the file.
        func deliver(_ password: String, account: String) throws(CommandFailure) {
            guard let passwordFile else {
                print(password)
                return
            }
            // Made 0600 before any byte is written, never through a symbolic link, and
            // removed again when the write fails half way.
            let descriptor = open(passwordFile, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
            let bytes = Array((password + "\n").utf8)
            let written = descriptor >= 0 && fchmod(descriptor, 0o600) == 0
                && bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == bytes.count
            if descriptor >= 0 { close(descriptor) }
            guard written else {
                if descriptor >= 0 { unlink(passwordFile) }
                throw CommandFailure(.cannotCreate, "could not write --password-file; the password of \(account) was changed: run rotate again")
            }
        }
    }

    /// 128 random bits as hex: URL-safe, so it can go into amqp:// URLs unchanged.
    static func newPassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// The named account with its tags; exit 66 when the broker has no such user.
    static func existing(
        _ arguments: AccountArguments, _ management: ManagementOptions
    ) async throws(CommandFailure) -> (PartyAccount, ManagementClient, [String]) {
        let account = try arguments.account()
        let client = try management.client()
        guard let tags = try await client.userTags(account.userName) else {
            throw CommandFailure(notFound: "there is no account \(account.userName)")
        }
        return (account, client, tags)
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data("\(text)\n".utf8))
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account with the contract's permissions; prints its password once.",
            discussion: "A disabled account is enabled again with a new password. An active one is refused (exit 73): use rotate.")
        @OptionGroup var management: ManagementOptions
        @OptionGroup var arguments: AccountArguments
        @OptionGroup var passwordOptions: PasswordOptions

        func run() async throws {
            try await CommandFailure.reporting {
                let account = try arguments.account()
                let client = try management.client()
                var tags: [String] = []
                if let existing = try await client.userTags(account.userName) {
                    guard existing.contains(AccountsCommand.disabledTag) else {
                        throw CommandFailure(exists: "\(account.userName) exists already; rotate gives it a new password")
                    }
                    tags = existing.filter { $0 != AccountsCommand.disabledTag }
                }
                let password = AccountsCommand.newPassword()
                try await client.putUser(account.userName, password: password, tags: tags)
                try await client.setPermissions(account.userName, account.permissions)
                if case .sms = account {
                    // Its refusals have a queue of their own from the start (contract v1.1, item 3).
                    try await client.declare(Topology(ClusterTopology.smsRejectedQueue(account: account.userName), limits: .standard))
                }
                try passwordOptions.deliver(password, account: account.userName)
                AccountsCommand.note("created \(account.userName) on vhost \(client.vhost)")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account: it loses its password and permissions, and its connections are closed.",
            discussion: "The account stays (tagged disabled) so its name and history remain; create enables it again.")
        @OptionGroup var management: ManagementOptions
        @OptionGroup var arguments: AccountArguments

        func run() async throws {
            try await CommandFailure.reporting {
                let (account, client, tags) = try await AccountsCommand.existing(arguments, management)
                let disabledTags = tags.contains(AccountsCommand.disabledTag) ? tags : tags + [AccountsCommand.disabledTag]
                // Password first: from here on nobody can log in, whatever fails next.
                try await client.removePassword(account.userName, tags: disabledTags)
                try await client.clearPermissions(account.userName)
                let closed = try await client.closeConnections(of: account.userName, reason: "account disabled by an operator")
                AccountsCommand.note("disabled \(account.userName); closed \(closed) connection(s)")
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give an account a new password (printed once) and close its open connections.",
            discussion: "Clients must reconnect with the new password; --keep-connections leaves open connections alone.")
        @OptionGroup var management: ManagementOptions
        @OptionGroup var arguments: AccountArguments
        @OptionGroup var passwordOptions: PasswordOptions
        @Flag(help: "Do not close the account's open connections.") var keepConnections = false

        func run() async throws {
            try await CommandFailure.reporting {
                let (account, client, tags) = try await AccountsCommand.existing(arguments, management)
                guard !tags.contains(AccountsCommand.disabledTag) else {
                    throw CommandFailure(notFound: "\(account.userName) is disabled; create enables it again with a new password")
                }
                let password = AccountsCommand.newPassword()
                try await client.putUser(account.userName, password: password, tags: tags)
                try passwordOptions.deliver(password, account: account.userName)
                var closed = 0
                if !keepConnections {
                    closed = try await client.closeConnections(of: account.userName, reason: "password rotated by an operator")
                }
                AccountsCommand.note("rotated the password of \(account.userName); closed \(closed) connection(s)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List SMS system, agency and operator accounts and whether their permissions are the contract's.",
            discussion: """
                Columns: account, kind, state (active or disabled), permissions on the vhost (contract, differ or \
                none); topic permissions count too.
                """)
        @OptionGroup var management: ManagementOptions

        func run() async throws {
            try await CommandFailure.reporting {
                let client = try management.client()
                print(["account", "kind", "state", "permissions"].joined(separator: "\t"))
                for user in try await client.users().sorted(by: { $0.name < $1.name }) {
                    guard let account = PartyAccount(userName: user.name) else { continue }
                    let state = user.tags.contains(AccountsCommand.disabledTag) ? "disabled" : "active"
                    let permissions: String
                    if let actual = try await client.permissions(user.name) {
                        let expected = account.permissions
                        let topics = try await client.topicPermissions(user.name)
                        let same = actual["configure"] == expected.configure && actual["write"] == expected.write
                            && actual["read"] == expected.read
                            && topics.sorted { $0.exchange < $1.exchange } == expected.topics.sorted { $0.exchange < $1.exchange }
                        permissions = same ? "contract" : "differ"
                    } else {
                        permissions = "none"
                    }
                    print([user.name, account.kind.rawValue, state, permissions].joined(separator: "\t"))
                }
            }
        }
    }
}
