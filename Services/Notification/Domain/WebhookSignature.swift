import Crypto
import Foundation

/// The signature on webhook posts: `HMAC-SHA256(secret, timestamp + "." + body)`, sent as
/// `X-Reintegration-Signature: sha256=<lowercase hex>` with the unix-seconds timestamp
/// in `X-Reintegration-Timestamp`. Receivers recompute it and reject stale timestamps.
public enum WebhookSignature {
    /// The header carrying the signing time (unix seconds).
    public static let timestampHeader = "X-Reintegration-Timestamp"
    /// The header carrying `sha256=<hex>`.
    public static let signatureHeader = "X-Reintegration-Signature"

    /// The `sha256=<hex>` value for `body` signed at `timestamp` with `secret`.
    public static func sign(body: [UInt8], timestamp: Int, secret: String) -> String {
        let key = SymmetricKey(data: Array(secret.utf8))
        var message = Array("\(timestamp).".utf8)
        message.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` matches, compared in constant time.
    public static func verify(signature: String, body: [UInt8], timestamp: Int, secret: String) -> Bool {
        let expected = Array(sign(body: body, timestamp: timestamp, secret: secret).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }

    /// The two header lines for a post made at `timestamp`.
    public static func headers(body: [UInt8], timestamp: Int, secret: String) -> [String] {
        ["\(timestampHeader): \(timestamp)", "\(signatureHeader): \(sign(body: body, timestamp: timestamp, secret: secret))"]
    }
}
