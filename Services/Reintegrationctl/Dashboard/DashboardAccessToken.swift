import Crypto
import Foundation

/// The secret a viewer presents: as the password of HTTP Basic authentication (any user
/// name; browsers ask for it themselves) or as a bearer token (scripts). Only its SHA-256
/// digest is kept, and digests compare in constant time, so neither the time of a refusal
/// nor a log line tells anything about it.
// SHA256Digest is an immutable value that swift-crypto does not mark Sendable.
struct DashboardAccessToken: @unchecked Sendable {
    /// Shorter secrets are refused: the page is reachable by anyone who can reach the port.
    static let minimumLength = 16

    private let digest: SHA256.Digest

    init(_ secret: String) { digest = SHA256.hash(data: Data(secret.utf8)) }

    /// Reads the token from the first line of a file (surrounding blanks ignored).
    static func read(file path: String) throws(CommandFailure) -> DashboardAccessToken {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(configuration: "cannot read the token file \(path): check the path and that this user may read it")
        }
        let secret = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard secret.count >= minimumLength else {
            throw CommandFailure(configuration: "the token file \(path) must hold a token of at least \(minimumLength) characters on its first line (e.g. openssl rand -hex 24)")
        }
        return DashboardAccessToken(secret)
    }

    /// True when the Authorization header carries the token (Basic password or Bearer).
    func admits(authorization: String?) -> Bool {
        guard let authorization, let space = authorization.firstIndex(of: " ") else { return false }
        let scheme = authorization[..<space].lowercased()
        let credentials = authorization[authorization.index(after: space)...].trimmingCharacters(in: .whitespaces)
        switch scheme {
        case "bearer":
            return matches(credentials)
        case "basic":
            guard let decoded = Data(base64Encoded: credentials), let pair = String(data: decoded, encoding: .utf8),
                  let colon = pair.firstIndex(of: ":")
            else { return false }
            return matches(String(pair[pair.index(after: colon)...]))
        default:
            return false
        }
    }

    private func matches(_ presented: String) -> Bool {
        // Digest equality in swift-crypto is constant-time.
        SHA256.hash(data: Data(presented.utf8)) == digest
    }
}
