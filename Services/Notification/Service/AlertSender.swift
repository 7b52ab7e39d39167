import Contract
import Curl
import Foundation
import NIOPosix
import NotificationDomain

/// Sends rendered alerts by email or webhook. libcurl blocks, so every transfer runs on
/// the sender's own `NIOThreadPool` threads, never on Swift's cooperative pool.
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

    /// Stops the threads once running transfers end.
    func shutdown() async {
        try? await threads.shutdownGracefully()
    }

    /// Sends `alert` for `delivery` on its channel and says how it went.
    func send(_ alert: RenderedAlert, for delivery: ClaimedDelivery, now: Date) async -> AttemptResult {
        switch delivery.channel {
        case .email:
            let message = MailMessage(
                from: mailer.configuration.from, to: delivery.email, subject: alert.subject, body: alert.body,
                messageId: "<\(delivery.id.uuidString.lowercased())@reintegration>", date: now
            ).formatted()
            let mailer = mailer
            let recipient = delivery.email
            return await run(.email, { () throws(CurlError) -> Int in try mailer.send(message, to: recipient) }) { code in
                .sent(responseCode: code)
            }
        case .webhook:
            guard let url = delivery.webhookURL, let secret = delivery.webhookSecret else {
                return .failed(.permanent, responseCode: nil, error: "webhook no longer configured")
            }
            let body: [UInt8]
            do {
                body = try WebhookPayload(deliveryId: delivery.id, request: delivery.request, language: delivery.language, alert: alert, sentAt: now).encoded()
            } catch {
                return .failed(.permanent, responseCode: nil, error: "webhook body could not be encoded")
            }
            let headers = WebhookSignature.headers(body: body, timestamp: Int(now.timeIntervalSince1970), secret: secret)
            let poster = poster
            return await run(.webhook, { () throws(CurlError) -> Int in try poster.post(body, to: url, headers: headers) }) { status in
                (200...299).contains(status)
                    ? .sent(responseCode: status)
                    : .failed(FailureClass.classify(channel: .webhook, responseCode: status), responseCode: status, error: "webhook answered HTTP \(status)")
            }
        }
    }

    /// Runs `transfer` on a sender thread; `classify` judges a reply that did arrive.
    private func run(
        _ channel: DeliveryChannel, _ transfer: @escaping @Sendable () throws(CurlError) -> Int, classify: (Int) -> AttemptResult
    ) async -> AttemptResult {
        do {
            let code = try await threads.runIfActive { () throws -> Int in try transfer() }
            return classify(code)
        } catch let error as CurlError {
            return .failed(FailureClass.classify(channel: channel, responseCode: error.responseCode), responseCode: error.responseCode, error: error.description)
        } catch {
            return .failed(.transient, responseCode: nil, error: "sender unavailable")
        }
    }
}
