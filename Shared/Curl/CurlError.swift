import CCurl

/// A libcurl transfer that did not succeed.
///
/// `description` names only the libcurl result and the server's reply code, never the
/// recipient, the message or any credential, so it is safe for logs and attempt records.
public struct CurlError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, in broad terms.
    public enum Kind: Sendable, Hashable {
        /// libcurl could not create a handle or set an option.
        case setup
        /// The server could not be reached (DNS, refused, timed out while connecting).
        case connection
        /// The transfer started but failed (TLS, timeout, protocol, refused command).
        case transfer
    }

    /// The broad kind of failure.
    public var kind: Kind
    /// libcurl's `CURLcode` as a number (0 when not from a transfer).
    public var curlCode: Int
    /// The last reply code of the server (SMTP 3-digit or HTTP status), when it answered.
    public var responseCode: Int?
    /// What was being done, without personal data (e.g. "SMTP send", "webhook POST").
    public var context: String
    /// For SMTP sends, the last command sent when it failed.
    public var smtpStage: SMTPStage?

    /// Creates an error.
    public init(kind: Kind, curlCode: Int, responseCode: Int? = nil, context: String, smtpStage: SMTPStage? = nil) {
        self.kind = kind
        self.curlCode = curlCode
        self.responseCode = responseCode
        self.context = context
        self.smtpStage = smtpStage
    }

    /// libcurl's text for `curlCode`.
    public var curlMessage: String {
        String(cString: curl_easy_strerror(CURLcode(rawValue: UInt32(truncatingIfNeeded: curlCode))))
    }

    public var description: String {
        var text = "\(context) failed: \(curlMessage) (curl \(curlCode))"
        if let responseCode { text += ", server replied \(responseCode)" }
        if let smtpStage { text += " at \(smtpStage.rawValue)" }
        return text
    }

    public var debugDescription: String { "CurlError(\(kind), \(description))" }
}
