import Curl
import Foundation
import Testing

@Suite("Email message format")
struct MailMessageTests {
    /// The header lines of a formatted message, continuation lines joined to their header.
    func headers(of message: MailMessage) -> (lines: [String], unfolded: [String: String]) {
        let text = String(decoding: message.formatted(), as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        let lines = head.components(separatedBy: "\r\n")
        var unfolded: [String: String] = [:]
        var name = ""
        for line in lines {
            if line.hasPrefix(" ") {
                unfolded[name, default: ""] += line
            } else if let colon = line.firstIndex(of: ":") {
                name = String(line[..<colon])
                unfolded[name] = String(line[line.index(after: colon)...])
            }
        }
        return (lines, unfolded)
    }

    /// The text of a header made of RFC 2047 base64 encoded-words, as a mail reader shows it.
    func decodedWords(_ value: String) -> (text: String, words: [String]) {
        let words = value.split(separator: " ").map(String.init)
        var bytes: [UInt8] = []
        for word in words {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="), "\(word)")
            let payload = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            let decoded = Data(base64Encoded: String(payload)) ?? Data()
            // Each word holds whole characters on its own.
            #expect(String(data: decoded, encoding: .utf8) != nil, "\(word) splits a character")
            bytes += decoded
        }
        return (String(decoding: bytes, as: UTF8.self), words)
    }

    func message(subject: String) -> MailMessage {
        MailMessage(
            from: "alerts@reintegration.test", to: "chair@example.az", subject: subject, body: "Mətn",
            messageId: "<id@reintegration>", date: Date(timeIntervalSince1970: 1_780_000_000))
    }

    @Test("a long Azerbaijani subject folds into encoded-words of at most 75 characters that join back")
    func longSubjectFolds() {
        let subject = "Xəbərdarlıq: Səhiyyə Nazirliyi, müraciət 5d3c2b1a-0f9e-4d8c-b7a6-e5f4d3c2b1a0, "
            + "iş C8F0AA4E, son tarix 2026-11-23, 3 iş günü gecikir (Ə.M.) — şəxs üçün tədbir görülməyib"
        let (lines, unfolded) = headers(of: message(subject: subject))
        let (text, words) = decodedWords(unfolded["Subject"] ?? "")
        #expect(text == subject)
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.count <= 75 })
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        #expect(lines.filter { $0.hasPrefix(" ") }.count == words.count - 1)
    }

    @Test("a short subject is one encoded-word; line breaks in it cannot start a new header")
    func shortSubjectAndInjection() {
        let (_, unfolded) = headers(of: message(subject: "Alert\r\nBcc: someone@example.org"))
        let (text, words) = decodedWords(unfolded["Subject"] ?? "")
        #expect(words.count == 1)
        #expect(text == "AlertBcc: someone@example.org")
        #expect(unfolded["Bcc"] == nil)
    }

    @Test("with HTML, the message is multipart/alternative: text first, then HTML, and it threads by References")
    func alternativePartsAndThreading() {
        var message = message(subject: "Alert")
        message.html = "<p>Mətn</p>"
        message.references = ["<referral-1@reintegration>"]
        let (_, unfolded) = headers(of: message)
        #expect(unfolded["Content-Type"] == #" multipart/alternative; boundary="=_reintegration_alternative""#)
        #expect(unfolded["In-Reply-To"] == " <referral-1@reintegration>")
        #expect(unfolded["References"] == " <referral-1@reintegration>")
        let text = String(decoding: message.formatted(), as: UTF8.self)
        let parts = text.components(separatedBy: "--=_reintegration_alternative")
        #expect(parts.count == 4, "preamble, two parts, closing")
        #expect(parts[1].contains("Content-Type: text/plain; charset=utf-8"))
        #expect(parts[2].contains("Content-Type: text/html; charset=utf-8"))
        #expect(parts[2].contains(Data("<p>Mətn</p>".utf8).base64EncodedString()))
        #expect(parts[3].hasPrefix("--"))
        #expect(headers(of: self.message(subject: "Alert")).unfolded["References"] == nil, "no thread, no header")
    }

    @Test("the Date header is RFC 5322's, in UTC, as a POSIX date formatter writes it")
    func dateHeader() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        #expect(MailMessage(
            from: "a@b.az", to: "c@d.az", subject: "s", body: "b", messageId: "<m@r>",
            date: Date(timeIntervalSince1970: 1_795_877_851)).formatted().count > 0)
        let samples: [TimeInterval] = [0, -1, 1_795_877_851, 1_709_164_800 + 86_399.9, 951_782_400, 4_102_444_799, -2_208_988_800]
            + (0..<200).map { TimeInterval($0) * 7_654_321.5 - 400_000_000 }
        for seconds in samples {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(MailMessage.headerDate(date) == formatter.string(from: date), "\(seconds)")
        }
        #expect(MailMessage.headerDate(Date(timeIntervalSince1970: 1_795_877_851)) == "Sat, 28 Nov 2026 14:57:31 +0000")
    }
}
