import ArgumentParser
import Foundation
import ServiceKit

/// The options every agency command shares: its broker account and its language.
struct AgencyOptions: ParsableArguments {
    @Option(help: "Your agency account's URL without its password, amqp(s)://agency-<code>@host:port/vhost, with --password-file (default: $AGENCY_AMQP_URL, which may hold the password).")
    var amqpURL: String?

    @Option(help: "A file (mode 600) whose first line is the password of --amqp-url's account.")
    var passwordFile: String?

    @Option(help: "az or en (default: from LC_ALL, LC_MESSAGES or LANG: az… gives az, anything else en).")
    var language: AgencyLanguage?

    var text: AgencyText {
        AgencyText(language: language ?? AgencyLanguage.fromLocale(EnvironmentReader()))
    }

    /// The URL to connect with: the option's with the file's password, else the environment's.
    func url() throws -> String {
        let given = try CommandLineURL.checked(amqpURL, option: "--amqp-url", passwordFile: passwordFile, passwordFileOption: "--password-file")
        guard let url = given ?? EnvironmentReader().string("AGENCY_AMQP_URL"), !url.isEmpty else {
            throw CommandFailure(.usage, text.noURL)
        }
        return url
    }
}
