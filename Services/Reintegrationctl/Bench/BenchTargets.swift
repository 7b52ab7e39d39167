import ArgumentParser
import Foundation
import ServiceKit

/// Where the benchmarks find the cluster: options first, then `BENCH_*` variables, then
/// the local stack's credentials file (`deploy/local/up` writes `.local/credentials.env`),
/// so on a local cluster no option is needed. A URL option carries no password (see
/// `CommandLineURL`): the variables and the file may.
struct BenchTargets: ParsableArguments {
    @Option(help: "Broker URL of an account that may declare queues and publish to the cluster's exchanges (default: $BENCH_AMQP_URL, then ADMIN_AMQP_URL of the credentials file).")
    var amqpURL: String?

    @Option(help: "Database URL that can read and write the services' schemas (default: $BENCH_DATABASE_URL, then ADMIN_DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Broker URL of an SMS system account (default: $BENCH_SMS_AMQP_URL, then SMS_LOCAL_AMQP_URL).")
    var smsURL: String?

    @Option(help: "The local stack's credentials file.")
    var credentialsFile = ".local/credentials.env"

    private var file: [String: String] { LocalCredentials.read(credentialsFile) }
    /// Set and not blank, so `BENCH_AMQP_URL=` counts as unset.
    private var environment: EnvironmentReader { EnvironmentReader() }

    func amqp() throws -> String {
        guard let url = try CommandLineURL.checked(amqpURL, option: "--amqp-url") ?? environment.string("BENCH_AMQP_URL") ?? file["ADMIN_AMQP_URL"] else {
            throw ValidationError("give --amqp-url (or BENCH_AMQP_URL, or run from a checkout whose local stack is up)")
        }
        return url
    }

    func database() throws -> String {
        guard let url = try CommandLineURL.checked(databaseURL, option: "--database-url") ?? environment.string("BENCH_DATABASE_URL") ?? file["ADMIN_DATABASE_URL"] else {
            throw ValidationError("give --database-url (or BENCH_DATABASE_URL, or run from a checkout whose local stack is up)")
        }
        return url
    }

    func sms() throws -> String {
        guard let url = try CommandLineURL.checked(smsURL, option: "--sms-url") ?? environment.string("BENCH_SMS_AMQP_URL") ?? file["SMS_LOCAL_AMQP_URL"] else {
            throw ValidationError("give --sms-url (or BENCH_SMS_AMQP_URL, or run from a checkout whose local stack is up)")
        }
        return url
    }
}
