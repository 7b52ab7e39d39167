import ArgumentParser

/// `reintegrationctl agency …`: a district authority's or ministry's own inbox, with only
/// its own broker account: pull its referrals into files, answer them, list the deadlines.
struct AgencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agency",
        abstract: "An agency's inbox: pull referrals into a folder, send status updates, list deadlines.",
        discussion: """
            Connect with your agency's own account (agency-<code>): --amqp-url without the password and \
            --password-file (mode 600), or AGENCY_AMQP_URL in the environment. Never put a password on the \
            command line. Lines are printed in Azerbaijani or English (--language, else the locale).
            Exit codes: 0 done (update: applied or duplicate); 64 wrong usage; 65 update refused; 66 no such \
            queue or folder; 69 broker unreachable; 73 a file cannot be written; 75 pull: the folder is busy, \
            update: no answer in time (it may still be applied); 77 login or permission refused.
            """,
        subcommands: [Pull.self, Update.self, List.self]
    )
}
