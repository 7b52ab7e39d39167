import Contract
import Curl
import Foundation
import NIOPosix
import NotificationDomain

/// Sends rendered alerts by email or webhook. libcurl blocks, so every transfer runs on
/// the sender's own `NIOThreadPool` threads, never on Swift's cooperative pool; emails go
/// over up to one relay session per thread, each kept open for many emails.
final class AlertSender: Sendable {
    private let mailer: SMTPMailer
    private let poster: WebhookPoster
    private let threads: NIOThreadPool

    init(smtp: SMTPConfiguration, poster: WebhookPoster = WebhookPoster(), threads: Int) {
        self.mailer = SMTPMailer(configuration: smtp)
        self.poster = poster
        self.threads = NIOThreadPool(numberOfThreads: max(1, threads))
        self.threads.start()
    }

    /// The circuit of the relay this sender hands email to.
    var relayCircuit: String { CircuitName.relay(mailer.configuration) }

    /// Quits the relay sessions and stops the threads once running transfers end.
    func shutdown() async {
        let mailer = mailer
        try? await threads.runIfActive { mailer.closeSessions() }
        try? await threads.shutdownGracefully()
    }

    /// Sends `alert` for `delivery` on its channel and says how it went, and whose failure
    /// it was. The caller has checked that a webhook delivery still has its webhook.
    func send(_ alert: RenderedAlert, for delivery: ClaimedDelivery, now: Date) async -> AttemptResult {
        switch delivery.channel {
        case .email:
            let message = MailMessage(
                from: mailer.configuration.from, to: delivery.email, subject: alert.subject, body: alert.body, html: alert.html,
                messageId: "<\(ContractID.text(delivery.id))@reintegration>", references: Self.thread(of: delivery.request).map { [$0] } ?? [],
                date: now
            ).formatted()
            let mailer = mailer
            let recipient = delivery.email
            return await run({ () throws(CurlError) -> Int in try mailer.send(message, to: recipient) }) { code in
                .sent(responseCode: code)
            } failure: { error in
                // A refusal of the message itself (5yz after its end) is about what was sent to
                // this person; a 4yz there is the relay's trouble (storage, local error).
                let refusedMessage = error.smtpStage == .message && (500...599).contains(error.responseCode ?? 0)
                let (failure, site) = FailureClass.email(
                    responseCode: error.responseCode, aboutRecipient: error.smtpStage == .recipient || refusedMessage)
                return .failed(failure, site, responseCode: error.responseCode, error: error.description)
            }
        case .webhook:
            guard let url = delivery.webhookURL, let secret = delivery.webhookSecret else {
                return .notAttempted
            }
            let body: [UInt8]
            do {
                body = try WebhookPayload(deliveryId: delivery.id, request: delivery.request, language: delivery.language, alert: alert, sentAt: now).encoded()
            } catch {
                return .failed(.permanent, .alert, responseCode: nil, error: "webhook body could not be encoded")
            }
            let headers = WebhookSignature.headers(body: body, timestamp: Int(now.timeIntervalSince1970), secret: secret)
            let poster = poster
            return await run({ () throws(CurlError) -> Int in try poster.post(body, to: url, headers: headers) }) { status in
                guard !(200...299).contains(status) else { return .sent(responseCode: status) }
                let (failure, site) = FailureClass.webhook(status: status)
                return .failed(failure, site, responseCode: status, error: "webhook answered HTTP \(status)")
            } failure: { error in
                let (failure, site) = FailureClass.webhook(status: error.responseCode)
                return .failed(failure, site, responseCode: error.responseCode, error: error.description)
            }
        }
    }

    /// The id every alert about one referral (or, without one, one case) refers to, so mail
    /// readers show them as one thread; no message carries it as its own id.
    static func thread(of request: NotificationRequest) -> String? {
        if let referralId = request.referralId { return "<referral-\(ContractID.text(referralId))@reintegration>" }
        if let caseId = request.caseId { return "<case-\(ContractID.text(caseId))@reintegration>" }
        return nil
    }

    /// Runs `transfer` on a sender thread; `classify` judges a reply that did arrive,
    /// `failure` a transfer libcurl reports as failed. A transfer that never started
    /// because the service is stopping is no attempt at all.
    private func run(
        _ transfer: @escaping @Sendable () throws(CurlError) -> Int, classify: (Int) -> AttemptResult,
        failure: (CurlError) -> AttemptResult
    ) async -> AttemptResult {
        guard !Task.isCancelled else { return .notAttempted }
        do {
            let code = try await threads.runIfActive { () throws -> Int in try transfer() }
            return classify(code)
        } catch let error as CurlError {
            return failure(error)
        } catch {
            // Cancelled before a thread took it, or the pool already stopped: nothing was sent.
            return .notAttempted
        }
    }
}
