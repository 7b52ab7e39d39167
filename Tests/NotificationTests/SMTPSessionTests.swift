import Curl
import Foundation
import Testing

/// The mailer's relay sessions against a real SMTP server (Scripts/smtp_sink.py, which
/// records the connection each email came on): emails share a connection, a session
/// quits after its message limit, concurrent sends get their own sessions, and a
/// connection the relay dropped while it waited is replaced without losing the email.
@Suite("SMTP sessions", .serialized)
struct SMTPSessionTests {
    static func message(_ number: Int) -> [UInt8] {
        Array("From: <alerts@reintegration.test>\r\nTo: <chair@example.az>\r\nSubject: test \(number)\r\n\r\nbody\r\n".utf8)
    }

    static func mailer(port: Int, messagesPerSession: Int = 100) -> SMTPMailer {
        SMTPMailer(configuration: SMTPConfiguration(
            url: "smtp://127.0.0.1:\(port)", from: "alerts@reintegration.test", connectTimeout: .seconds(5), timeout: .seconds(10),
            messagesPerSession: messagesPerSession))
    }

    /// A test SMTP server, listening; the caller stops it.
    static func startedSink() async throws -> PythonTestServer {
        let sink = try PythonTestServer(script: "smtp_sink.py")
        try await sink.start()
        return sink
    }

    /// The sessions of the saved emails, in the order of their subjects.
    static func sessions(of sink: PythonTestServer) throws -> [String] {
        try sink.records().sorted { ($0["subject"] as? String ?? "") < ($1["subject"] as? String ?? "") }
            .map { $0["session"] as? String ?? "" }
    }

    @Test("emails sent one after another share one connection")
    func emailsShareAConnection() async throws {
        let sink = try await Self.startedSink()
        defer { sink.stop() }
        let mailer = Self.mailer(port: sink.port)
        for number in 0..<5 { #expect(try mailer.send(Self.message(number), to: "chair@example.az") == 250) }
        let sessions = try Self.sessions(of: sink)
        #expect(sessions.count == 5)
        #expect(Set(sessions).count == 1)
    }

    @Test("a session quits after its message limit and the next email opens another")
    func sessionsEndAtTheirLimit() async throws {
        let sink = try await Self.startedSink()
        defer { sink.stop() }
        let mailer = Self.mailer(port: sink.port, messagesPerSession: 2)
        for number in 0..<5 { try mailer.send(Self.message(number), to: "chair@example.az") }
        let sessions = try Self.sessions(of: sink)
        #expect(sessions.count == 5)
        #expect(Set(sessions).count == 3)
        #expect(sessions[0] == sessions[1] && sessions[2] == sessions[3] && sessions[1] != sessions[2] && sessions[3] != sessions[4])
    }

    @Test("concurrent sends use a session each, and every email arrives once")
    func concurrentSendsUseSessionsEach() async throws {
        let sink = try await Self.startedSink()
        defer { sink.stop() }
        let mailer = Self.mailer(port: sink.port)
        let senders = 4
        let perSender = 10
        // Blocking sends, off the cooperative pool.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                DispatchQueue.concurrentPerform(iterations: senders) { sender in
                    for number in 0..<perSender {
                        _ = try? mailer.send(Self.message(sender * perSender + number), to: "chair@example.az")
                    }
                }
                continuation.resume()
            }
        }
        let sessions = try Self.sessions(of: sink)
        #expect(sessions.count == senders * perSender)
        #expect(Set(sessions).count <= senders)
        let subjects = try sink.records().compactMap { $0["subject"] as? String }
        #expect(Set(subjects).count == senders * perSender)
    }

    @Test("a connection the relay dropped between emails is replaced and the email goes once")
    func droppedConnectionIsReplaced() async throws {
        let sink = try await Self.startedSink()
        defer { sink.stop() }
        let mailer = Self.mailer(port: sink.port)
        try mailer.send(Self.message(0), to: "chair@example.az")
        // The relay restarts: the idle session's connection is gone.
        sink.stop()
        try await sink.start()
        #expect(try mailer.send(Self.message(1), to: "chair@example.az") == 250)
        let sessions = try Self.sessions(of: sink)
        #expect(sessions.count == 2)
        #expect(Set(sessions).count == 2)
    }
}
