import Foundation

/// Where the real broker and database for integration tests are.
///
/// `deploy/local/test` starts RabbitMQ and PostgreSQL on loopback and exports these
/// variables; an integration test run without them fails with a message saying so
/// rather than skipping quietly.
public enum TestEnvironment {
    /// An administrator URL on the `reintegration_test` vhost (configure/write/read `.*`).
    public static let amqpURLVariable = "REINTEGRATION_TEST_AMQP_URL"
    /// A URL of a role that may create schemas and roles in the test database.
    public static let databaseURLVariable = "REINTEGRATION_TEST_DATABASE_URL"
    /// The broker's management API base URL (http://user:pass@127.0.0.1:15672).
    public static let managementURLVariable = "REINTEGRATION_TEST_MANAGEMENT_URL"
    /// The folder holding the built service executables (.build/debug).
    public static let binariesVariable = "REINTEGRATION_TEST_BIN"

    public struct NotConfigured: Error, CustomStringConvertible {
        public let variable: String
        public var description: String {
            "\(variable) is not set: integration tests need the servers that deploy/local/test starts"
        }
    }

    public static func value(_ variable: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw NotConfigured(variable: variable)
        }
        return value
    }

    public static func amqpURL() throws -> String { try value(amqpURLVariable) }
    public static func databaseURL() throws -> String { try value(databaseURLVariable) }
    public static func managementURL() throws -> String { try value(managementURLVariable) }

    /// A short unique suffix for names (queues, schemas) so tests never collide.
    public static func uniqueName(_ prefix: String) -> String {
        let token = UUID().uuidString.prefix(8).lowercased()
        return "\(prefix)_\(token)"
    }
}
