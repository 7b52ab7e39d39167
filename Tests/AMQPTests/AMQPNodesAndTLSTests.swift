import AMQP
import Foundation
import Logging
import TestSupport
import Testing

/// Several broker nodes in one URL, and TLS with the local test CA, against the real
/// broker: its plain listener and its TLS listener (certificate for "localhost" only).
@Suite("AMQP nodes and TLS on a real broker")
struct AMQPNodesAndTLSTests {
    let logger = Logger(label: "test.amqp.tls")

    /// The test broker's account, at its TLS listener on `host`, trusting `ca`.
    func tlsConfiguration(host: String, ca: String) throws -> AMQPConfiguration {
        let plain = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "amqp-tls-test")
        let port = try TestEnvironment.value("REINTEGRATION_TEST_AMQPS_PORT")
        let directory = try TestEnvironment.value("REINTEGRATION_TEST_TLS_DIR")
        let user = plain.user.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? plain.user
        let password = plain.password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? plain.password
        let vhost = plain.virtualHost.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? plain.virtualHost
        return try AMQPConfiguration(
            url: "amqps://\(user):\(password)@\(host):\(port)/\(vhost)?cacertfile=\(directory)/\(ca)", connectionName: "amqp-tls-test")
    }

    @Test("a URL of several nodes reaches a live one when the others are down")
    func reachesALiveNode() async throws {
        let live = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "amqp-nodes-test")
        let url = try TestEnvironment.amqpURL()
        // Nothing listens on port 1: that node is down.
        let dead = url.replacingOccurrences(of: ":\(live.port)/", with: ":1/")
        let configuration = try AMQPConfiguration(url: "\(dead),\(url),\(dead)", connectionName: "amqp-nodes-test")
        #expect(configuration.nodes.count == 3)
        // The first node tried is random: every attempt must still connect.
        for _ in 0..<4 {
            let connection = try await AMQPConnection.connect(configuration, logger: logger)
            #expect(connection.isOpen)
            await connection.close()
        }
    }

    @Test("amqps:// with the CA that signed the broker's certificate connects and publishes")
    func tlsConnects() async throws {
        let queue = TestEnvironment.uniqueName("amqp.tls")
        let connection = try await AMQPConnection.connect(
            tlsConfiguration(host: "localhost", ca: "ca.pem"), topology: Topology(queues: [.quorum(queue)]), logger: logger)
        let outcome = try await connection.publish([OutgoingMessage(
            exchange: "", routingKey: queue, properties: .persistentJSON(messageId: UUID().uuidString, type: "test.v1"),
            body: Array("{}".utf8))])
        #expect(outcome == [.confirmed])
        await connection.close()
        let management = try ManagementAPI.fromEnvironment()
        let vhost = try AMQPConfiguration(url: TestEnvironment.amqpURL()).virtualHost
        _ = try await management.request("DELETE", "/api/queues/\(vhost)/\(queue)")
    }

    @Test("a broker certificate from another CA is refused, saying so")
    func wrongAuthorityIsRefused() async throws {
        let error = await #expect(throws: AMQPError.self) {
            _ = try await AMQPConnection.connect(tlsConfiguration(host: "localhost", ca: "other-ca.pem"), logger: logger)
        }
        let text = error.map(String.init(describing:)) ?? ""
        #expect(text.contains("CA"), "\(text)")
        #expect(!text.contains(try AMQPConfiguration(url: TestEnvironment.amqpURL()).password))
    }

    @Test("a broker certificate that does not name the host connected to is refused, saying so")
    func wrongHostNameIsRefused() async throws {
        // The certificate names "localhost", not 127.0.0.1.
        let error = await #expect(throws: AMQPError.self) {
            _ = try await AMQPConnection.connect(tlsConfiguration(host: "127.0.0.1", ca: "ca.pem"), logger: logger)
        }
        let text = error.map(String.init(describing:)) ?? ""
        #expect(text.contains("name this host") || text.contains("handshake"), "\(text)")
    }

    @Test("URL parameters: TLS files need amqps://, both halves of a client certificate, and nodes alike but for the address")
    func urlRules() {
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: "amqp://u:p@localhost/v?cacertfile=/ca.pem") }
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: "amqps://u:p@localhost/v?certfile=/c.pem") }
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: "amqps://u:p@localhost/v?verify=none") }
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: "amqp://u:p@a/v,amqp://u:p@b/other") }
        let configuration = try? AMQPConfiguration(url: "amqps://u:p,x@a:5671/v?cacertfile=/ca.pem,amqps://u:p,x@b:5672/v?cacertfile=/ca.pem")
        #expect(configuration?.nodes == [.init(host: "a", port: 5671), .init(host: "b", port: 5672)])
        #expect(configuration?.password == "p,x")
        #expect(configuration?.tls?.caCertificatePath == "/ca.pem")
        #expect(configuration?.description == "amqps://u@a:5671,b:5672/v")
    }
}
