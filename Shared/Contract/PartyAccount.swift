/// The broker account of a party outside the cluster (contract: "Accounts and
/// permissions"), with the least permissions it needs.
///
/// These templates are the source of truth for `reintegrationctl accounts`;
/// `deploy/local/provision` carries the same rows in its permission table (a test keeps
/// the two equal).
public enum PartyAccount: Sendable, Equatable {
    /// An SMS registration system, `sms-<name>`.
    case sms(String)
    /// An agency, `agency-<code>`.
    case agency(String)
    /// An operator, `operator-<name>`: reads the rejected queues and replays to `intake`.
    case `operator`(String)

    /// The kinds as operators type them.
    public enum Kind: String, Sendable, CaseIterable {
        case sms, agency, `operator`
    }

    /// The agencies of the contract's default routing besides the district authorities.
    public static let nationalAgencies = ["health", "labour", "education"]

    /// Whether `code` is an agency of the contract: a national agency or `local.<district>`
    /// for a district of `catalog`.
    public static func isKnownAgency(_ code: String, catalog: DistrictCatalog = .default) -> Bool {
        if nationalAgencies.contains(code) { return true }
        guard code.hasPrefix("local.") else { return false }
        return catalog.contains(String(code.dropFirst("local.".count)))
    }

    /// SMS system and operator names: a lower-case slug of 1–32 letters, digits and `-`.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...32).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }

    public var kind: Kind {
        switch self {
        case .sms: .sms
        case .agency: .agency
        case .operator: .operator
        }
    }

    /// The broker user name.
    public var userName: String {
        switch self {
        case .sms(let name): AccountName.sms(name)
        case .agency(let code): AccountName.agency(code)
        case .operator(let name): AccountName.operator(name)
        }
    }

    /// The account a broker user name stands for, when it is a party's.
    public init?(userName: String) {
        for kind in Kind.allCases where userName.hasPrefix("\(kind.rawValue)-") && userName.count > kind.rawValue.count + 1 {
            let name = String(userName.dropFirst(kind.rawValue.count + 1))
            switch kind {
            case .sms: self = .sms(name)
            case .agency: self = .agency(name)
            case .operator: self = .operator(name)
            }
            return
        }
        return nil
    }

    /// What the account may do on the cluster's vhost.
    public var permissions: BrokerPermissions {
        switch self {
        case .sms:
            // Publishes records and consent updates (no other routing key), reads its
            // server-named reply queues and its own refusals.
            BrokerPermissions(
                configure: #"^amq\.gen-.*$"#,
                write: "^\(BrokerPermissions.literal(ExchangeName.intake))$",
                read: #"^(amq\.gen-.*|"# + BrokerPermissions.literal(QueueName.intakeRejected(account: userName)) + ")$",
                topics: [.init(
                    exchange: ExchangeName.intake,
                    write: "^(" + BrokerPermissions.literal(MessageType.readmission) + "|"
                        + BrokerPermissions.literal(MessageType.consent) + ")$",
                    read: BrokerPermissions.nothing)])
        case .agency(let code):
            // Reads its own queue; publishes status updates under its own code only, and
            // reads their outcomes on server-named reply queues (or direct reply-to).
            BrokerPermissions(
                configure: #"^amq\.gen-.*$"#,
                write: "^\(BrokerPermissions.literal(ExchangeName.agencyUpdates))$",
                read: #"^(amq\.gen-.*|"# + BrokerPermissions.literal(QueueName.referrals(agency: code)) + ")$",
                topics: [.init(exchange: ExchangeName.agencyUpdates, write: "^\(BrokerPermissions.literal(code))$", read: BrokerPermissions.nothing)])
        case .operator:
            // Reads (and acknowledges replayed) refusals of every system; replays records to
            // intake, and moves v1's intake.rejected queue into the exchange of the same name
            // (`rejected migrate`). Status updates are replayed with the agency's own account:
            // the referral service trusts user_id, which the broker lets only that account set.
            BrokerPermissions(
                configure: BrokerPermissions.nothing,
                write: "^(" + BrokerPermissions.literal(ExchangeName.intake) + "|"
                    + BrokerPermissions.literal(ExchangeName.intakeRejected) + ")$",
                read: "^(" + BrokerPermissions.literal(QueueName.intakeRejectedV1) + "|"
                    + BrokerPermissions.literal(QueueName.intakeRejectedV1) + #"\..+|"#
                    + BrokerPermissions.literal(QueueName.agencyUpdatesRejected) + ")$")
        }
    }
}
