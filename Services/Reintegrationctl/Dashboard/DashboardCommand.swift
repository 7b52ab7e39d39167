import ArgumentParser
import Foundation
import Logging
import NIOSSL
import Postgres
import ServiceKit

/// `reintegrationctl dashboard`: a read-only live view for the working group.
///
/// Exit codes: 0 stopped by SIGTERM or SIGINT; 64 wrong usage; 69 the database cannot be
/// read; 78 the token, the certificate or the listening address is not acceptable.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Serve a live, read-only web page of open, overdue and pending referrals per agency.",
        discussion: """
            Per agency: open, overdue and open-in-time referrals now, completions on time and late in the last \
            --window-days days and their median working days from issue to completion; every overdue referral \
            (with the person's initials only) and every extension request waiting for a decision. The page asks \
            for new figures every two seconds (GET /api/summary, JSON), in English or Azerbaijani (?lang=en|az, \
            else the browser's Accept-Language).

            Every request needs the access token of --token-file: the browser asks for it (any user name, the \
            token as the password), scripts send "Authorization: Bearer <token>". It reads through the read-only \
            reporting role (--database-url, default $REPORTING_DATABASE_URL), which may read the referral \
            service's reporting views and nothing else.

            It listens on 127.0.0.1:8090 unless --listen says otherwise; any other address than loopback needs \
            --tls-certificate and --tls-key (HTTPS), and is refused without them.

            Exit codes: 0 stopped (SIGTERM, SIGINT); 64 wrong usage; 69 database unavailable; 78 unusable token, \
            certificate or address.
            """
    )

    @Option(help: "HOST:PORT to listen on ([::1]:PORT for IPv6).")
    var listen = "127.0.0.1:8090"

    @Option(help: "File whose first line is the access token, at least 16 characters (default: $DASHBOARD_TOKEN_FILE).")
    var tokenFile: String?

    @Option(help: "PEM certificate chain for HTTPS (with --tls-key).")
    var tlsCertificate: String?

    @Option(help: "PEM private key of --tls-certificate, without a passphrase.")
    var tlsKey: String?

    @Option(help: "Database URL of the read-only reporting role (default: $REPORTING_DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Days back that completions are counted (on time, late, median).")
    var windowDays = 30

    @OptionGroup var calendarOptions: CalendarOptions

    func validate() throws {
        guard DashboardListenAddress(listen) != nil else {
            throw ValidationError("--listen must be HOST:PORT (e.g. 127.0.0.1:8090, [::1]:8090) with a port from 1 to 65535")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("give --tls-certificate and --tls-key together") }
        guard (1...366).contains(windowDays) else { throw ValidationError("--window-days must be from 1 to 366") }
    }

    func run() async throws {
        let calendar = try calendarOptions.calendar()
        let configuration = try DatabaseURL.configuration(given: databaseURL, fallbacks: ["REPORTING_DATABASE_URL"])
        let (address, token, tls) = try settings()
        let logger = Logger(label: "reintegrationctl.dashboard")
        let pool = PostgresPool(configuration: configuration, size: 2, logger: logger)
        let source = DashboardSource(pool: pool, windowDays: windowDays, calendar: calendar)
        do {
            // Read once before listening, so a wrong role or URL stops the command at once.
            _ = try await source.summary()
        } catch {
            await pool.shutdown()
            throw CommandFailure.exit(for: Self.explained(error))
        }
        let server = DashboardServer(
            address: address, token: token, tls: tls, source: source, windowDays: windowDays, refreshMilliseconds: 2_000, logger: logger)
        do {
            try await server.run()
        } catch {
            await pool.shutdown()
            throw error
        }
        await pool.shutdown()
    }

    /// The address, token and TLS configuration, or exit 78 saying which is wrong.
    private func settings() throws -> (DashboardListenAddress, DashboardAccessToken, TLSConfiguration?) {
        do throws(CommandFailure) {
            guard let address = DashboardListenAddress(listen) else { throw CommandFailure(usage: "--listen must be HOST:PORT") }
            guard let path = tokenFile ?? EnvironmentReader().string("DASHBOARD_TOKEN_FILE") else {
                throw CommandFailure(configuration: "give --token-file (or set DASHBOARD_TOKEN_FILE): a file of mode 600 whose first line is the access token")
            }
            let token = try DashboardAccessToken.read(file: path)
            var tls: TLSConfiguration?
            if let tlsCertificate, let tlsKey {
                tls = try DashboardServer.tlsConfiguration(certificateFile: tlsCertificate, keyFile: tlsKey)
            }
            if tls == nil, !address.isLoopback {
                throw CommandFailure(configuration: 
                    "--listen \(address) is reachable from other machines: give --tls-certificate and --tls-key so the token and the figures travel encrypted, or listen on 127.0.0.1")
            }
            return (address, token, tls)
        } catch {
            throw CommandFailure.exit(for: error)
        }
    }

    /// A role without the grants reads as "cannot read every schema"; say what this command needs.
    private static func explained(_ error: any Error) -> any Error {
        if let error = error as? PostgresError, error.sqlState == "42501" {
            return CommandFailure(
                unavailable: "the database role may not read the referral service's reporting views: use the reporting role (REPORTING_DATABASE_URL in .local/credentials.env)")
        }
        return error
    }
}
