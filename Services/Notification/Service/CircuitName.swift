import Curl
import Foundation

/// The names of shared circuits: `smtp:<host>:<port>` for the relay an instance sends
/// through, `webhook:<host>` for a receiver. Named by address, so instances configured
/// with different relays (a move to a new relay, tests) never hold each other's mail.
enum CircuitName {
    /// The relay's circuit, e.g. `smtp:relay.example.az:587`.
    static func relay(_ smtp: SMTPConfiguration) -> String {
        let components = URLComponents(string: smtp.url)
        let host = components?.host?.lowercased() ?? smtp.url
        let port = components?.port ?? (smtp.url.hasPrefix("smtps://") ? 465 : 25)
        return "smtp:\(host):\(port)"
    }
}
