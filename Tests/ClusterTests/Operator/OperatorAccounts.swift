import Foundation
import TestSupport

/// What the operator-tool tests need to act as the broker's administrator and as the
/// accounts the tool creates, on the test vhost.
enum OperatorAccounts {
    static let vhost = "reintegration_test"

    /// The tool's environment: the management API and the test vhost.
    static func environment() throws -> [String: String] {
        ["MANAGEMENT_URL": try TestEnvironment.managementURL(), "REINTEGRATION_VHOST": vhost]
    }

    /// An amqp:// URL of `user` on the test broker and vhost.
    static func url(user: String, password: String) throws -> String {
        guard var components = URLComponents(string: try TestEnvironment.amqpURL()) else { throw Failure(problem: "the test AMQP URL is not a URL") }
        components.user = user
        components.password = password
        components.path = "/\(vhost)"
        return components.string ?? ""
    }

    /// Removes an account a previous run may have left (users are global to the broker).
    static func delete(_ user: String) async throws {
        _ = try await ManagementAPI.fromEnvironment().request("DELETE", "/api/users/\(encoded(user))")
    }

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// Creates an account with the tool and returns its password.
    static func create(_ kind: String, _ name: String) async throws -> String {
        let outcome = try await OperatorTool.run(["accounts", "create", kind, name], environment: environment())
        guard outcome.status == 0 else { throw Failure(problem: "accounts create \(kind) \(name): \(outcome)") }
        return outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct Failure: Error, CustomStringConvertible {
        var problem: String
        var description: String { problem }
    }
}
