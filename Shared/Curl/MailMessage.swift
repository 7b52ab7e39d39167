import Foundation
import ProlepticGregorian

/// A UTF-8 email, formatted for SMTP: RFC 2047 encoded subject, base64 parts (safe for
/// any script and line length), CRLF line ends; plain text alone, or plain text and HTML
/// as `multipart/alternative` (readers show the richest they can).
public struct MailMessage: Sendable, Equatable {
    /// The `From:` address.
    public var from: String
    /// The `To:` address (the envelope recipient is given to the mailer separately).
    public var to: String
    /// One line of any script; encoded as RFC 2047.
    public var subject: String
    /// Plain text; sent base64-encoded.
    public var body: String
    /// An HTML alternative of `body`, when there is one.
    public var html: String?
    /// Unique per message, e.g. `<delivery-id@reintegration>`.
    public var messageId: String
    /// Message ids this one follows (`In-Reply-To` gets the last, `References` all):
    /// mail readers thread messages that share them.
    public var references: [String]
    /// The `Date:` header.
    public var date: Date

    /// Creates a message.
    public init(
        from: String, to: String, subject: String, body: String, html: String? = nil, messageId: String,
        references: [String] = [], date: Date
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.html = html
        self.messageId = messageId
        self.references = references
        self.date = date
    }

    /// Between the parts of a multipart message: base64 text never contains `=_`.
    static let boundary = "=_reintegration_alternative"

    /// The message as sent in SMTP DATA.
    public func formatted() -> [UInt8] {
        var lines = [
            "From: <\(Self.headerSafe(from))>",
            "To: <\(Self.headerSafe(to))>",
            "Subject: " + Self.encodedWords(Self.headerSafe(subject)).joined(separator: "\r\n "),
            "Date: \(Self.headerDate(date))",
            "Message-ID: \(Self.headerSafe(messageId))",
        ]
        if let parent = references.last {
            lines.append("In-Reply-To: \(Self.headerSafe(parent))")
            lines.append("References: " + references.map(Self.headerSafe).joined(separator: "\r\n "))
        }
        lines.append("MIME-Version: 1.0")
        if let html {
            lines += [
                "Content-Type: multipart/alternative; boundary=\"\(Self.boundary)\"",
                "",
                "--\(Self.boundary)",
            ] + Self.part(body, type: "text/plain") + ["--\(Self.boundary)"] + Self.part(html, type: "text/html") + ["--\(Self.boundary)--", ""]
        } else {
            lines += Self.part(body, type: "text/plain")
        }
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// `date` as RFC 5322 writes it, in UTC: `Sat, 28 Nov 2026 14:57:31 +0000`. Plain
    /// arithmetic: a `DateFormatter` per message cost more than the rest of the message.
    public static func headerDate(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - day * 86_400
        let (year, month, dayOfMonth) = ProlepticGregorian.date(dayNumber: day)
        // 1970-01-01 was a Thursday.
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((day % 7) + 7) % 7]
        let monthName = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][month - 1]
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekday), \(twoDigits(dayOfMonth)) \(monthName) \(year) \(twoDigits(secondOfDay / 3600)):"
            + "\(twoDigits(secondOfDay / 60 % 60)):\(twoDigits(secondOfDay % 60)) +0000"
    }

    /// One part's headers and base64 content (lines of 76 characters).
    private static func part(_ text: String, type: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", "", encoded, ""]
    }

    /// RFC 2047 base64 encoded-words of at most 75 characters each (45 bytes of text),
    /// split between characters, never inside one, so a long subject in any script folds
    /// onto continuation lines that every mail reader joins back.
    static func encodedWords(_ text: String) -> [String] {
        let maximumBytes = 45
        var chunks: [[UInt8]] = [[]]
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunks[chunks.count - 1].isEmpty, chunks[chunks.count - 1].count + bytes.count > maximumBytes {
                chunks.append([])
            }
            chunks[chunks.count - 1].append(contentsOf: bytes)
        }
        return chunks.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }
    }

    /// Header values never carry line breaks (no header injection).
    private static func headerSafe(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
    }
}
