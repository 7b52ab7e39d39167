import Curl
import Foundation
import NotificationDomain
import Testing

/// Email and webhooks over TLS against real servers: aiosmtpd requiring STARTTLS and
/// AUTH, aiosmtpd on implicit TLS (SMTPS), and an HTTPS webhook receiver, each presenting
/// a certificate the client trusts only through its configured CA file.
@Suite("Encrypted delivery", .serialized)
struct EncryptedDeliveryTests {
    /// Debian's Python, which has python3-aiosmtpd (deploy/local installs it).
    static let debianPython = "/usr/bin/python3"
    static let message = Array("From: <alerts@reintegration.test>\r\nTo: <chair@example.az>\r\nSubject: test\r\n\r\nbody\r\n".utf8)

    /// Runs `body` with a fresh certificate and the aiosmtpd relay presenting it
    /// (`arguments` choose STARTTLS or implicit TLS, and AUTH), stopping both afterwards.
    static func withRelay(
        _ arguments: [String], _ body: (PythonTestServer, TestCertificate) async throws -> Void
    ) async throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let relay = try PythonTestServer(
            script: "smtp_tls_relay.py",
            arguments: ["--cert", certificate.certificateFile, "--key", certificate.keyFile] + arguments,
            interpreter: debianPython)
        try await relay.start()
        defer { relay.stop() }
        try await body(relay, certificate)
    }

    static let login = ["--user", "relay-user", "--password", "relay-pass-1"]

    @Test("STARTTLS with authentication delivers, and the relay saw TLS and a login")
    func startTLSWithAuthentication() async throws {
        try await Self.withRelay(Self.login) { (relay, certificate) async throws in
            let mailer = SMTPMailer(configuration: SMTPConfiguration(
                url: "smtp://localhost:\(relay.port)", from: "alerts@reintegration.test", requireStartTLS: true,
                username: "relay-user", password: "relay-pass-1", caFile: certificate.certificateFile,
                connectTimeout: .seconds(5), timeout: .seconds(10)))
            #expect(try mailer.send(Self.message, to: "chair@example.az") == 250)
            let records = try relay.records()
            #expect(records.count == 1)
            #expect(records.first?["tls"] as? Bool == true)
            #expect(records.first?["authenticated"] as? Bool == true)
            #expect(records.first?["rcptTo"] as? [String] == ["chair@example.az"])
        }
    }

    @Test("a wrong relay password is refused by the relay with 535 and nothing is sent")
    func wrongPasswordIsRefused() async throws {
        try await Self.withRelay(Self.login) { (relay, certificate) async throws in
            let mailer = SMTPMailer(configuration: SMTPConfiguration(
                url: "smtp://localhost:\(relay.port)", from: "alerts@reintegration.test", requireStartTLS: true,
                username: "relay-user", password: "wrong-password", caFile: certificate.certificateFile,
                connectTimeout: .seconds(5), timeout: .seconds(10)))
            let error = try #require(throws: CurlError.self) { try mailer.send(Self.message, to: "chair@example.az") }
            #expect(error.responseCode == 535, "\(error)")
            #expect(!error.description.contains("wrong-password"))
            #expect(try relay.records().isEmpty)
        }
    }

    @Test("a relay certificate the client does not trust stops the send before any mail is handed over")
    func untrustedCertificateIsRefused() async throws {
        try await Self.withRelay([]) { (relay, _) async throws in
            // The system's authorities do not know the throwaway certificate.
            let mailer = SMTPMailer(configuration: SMTPConfiguration(
                url: "smtp://localhost:\(relay.port)", from: "alerts@reintegration.test", requireStartTLS: true,
                connectTimeout: .seconds(5), timeout: .seconds(10)))
            let error = try #require(throws: CurlError.self) { try mailer.send(Self.message, to: "chair@example.az") }
            #expect(error.kind == .transfer, "\(error)")
            #expect(try relay.records().isEmpty)
        }
    }

    @Test("SMTPS (implicit TLS) delivers")
    func implicitTLS() async throws {
        try await Self.withRelay(["--implicit-tls"]) { (relay, certificate) async throws in
            let mailer = SMTPMailer(configuration: SMTPConfiguration(
                url: "smtps://localhost:\(relay.port)", from: "alerts@reintegration.test", caFile: certificate.certificateFile,
                connectTimeout: .seconds(5), timeout: .seconds(10)))
            #expect(try mailer.send(Self.message, to: "chair@example.az") == 250)
            #expect(try relay.records().first?["tls"] as? Bool == true)
        }
    }

    @Test("an HTTPS webhook receives the signed body; an untrusted receiver certificate is refused")
    func httpsWebhook() async throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let secret = NotificationFixtures.webhookSecret
        let receiver = try PythonTestServer(
            script: "webhook_receiver.py",
            arguments: ["--secret", secret, "--cert", certificate.certificateFile, "--key", certificate.keyFile])
        try await receiver.start()
        defer { receiver.stop() }
        let body = Array(#"{"schema":"reintegration-alert.v1"}"#.utf8)
        let signature = WebhookSignature.headers(body: body, timestamp: Int(Date().timeIntervalSince1970), secret: secret)
        let url = "https://localhost:\(receiver.port)/alerts"

        let trusting = WebhookPoster(connectTimeout: .seconds(5), timeout: .seconds(10), caFile: certificate.certificateFile)
        #expect(try trusting.post(body, to: url, headers: signature) == 200)
        let posts = try receiver.records()
        #expect(posts.count == 1)
        #expect(posts.first?["signatureValid"] as? Bool == true)

        let systemTrust = WebhookPoster(connectTimeout: .seconds(5), timeout: .seconds(10))
        #expect(throws: CurlError.self) { try systemTrust.post(body, to: url, headers: signature) }
        #expect(try receiver.records().count == 1)
    }
}
