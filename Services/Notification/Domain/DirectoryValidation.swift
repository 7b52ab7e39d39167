import Contract
import Foundation

/// The rules a directory entry must meet before it is stored.
public enum DirectoryValidation {
    /// Checks every field of `recipient`.
    public static func validate(_ recipient: Recipient) throws(DirectoryEntryError) {
        let name = recipient.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 200 else {
            throw DirectoryEntryError(field: "name", problem: "must be 1–200 characters")
        }
        try validateEmail(recipient.email)
        for agency in recipient.agencies {
            try validateAgencyCode(agency)
        }
        if [.focalPoint, .workingGroupMember].contains(recipient.role), recipient.agencies.isEmpty {
            throw DirectoryEntryError(field: "agencies", problem: "must name at least one agency for \(recipient.role.rawValue)")
        }
        switch (recipient.webhookURL, recipient.webhookSecret) {
        case (nil, nil):
            break
        case (let url?, let secret?):
            try validateWebhookURL(url)
            guard secret.utf8.count >= 16 else {
                throw DirectoryEntryError(field: "webhookSecret", problem: "must be at least 16 bytes")
            }
        case (_?, nil):
            throw DirectoryEntryError(field: "webhookSecret", problem: "is required with a webhook URL")
        case (nil, _?):
            throw DirectoryEntryError(field: "webhookURL", problem: "is required with a webhook secret")
        }
    }

    /// A practical address check: one `@`, a local part and a dotted or local domain, no
    /// spaces or control characters, at most 254 bytes.
    public static func validateEmail(_ email: String) throws(DirectoryEntryError) {
        let problem = DirectoryEntryError(field: "email", problem: "is not an email address (local@domain)")
        guard email.utf8.count <= 254 else { throw problem }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last,
            !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty
        else { throw problem }
        let forbidden = CharacterSet.whitespacesAndNewlines.union(.controlCharacters).union(CharacterSet(charactersIn: "<>()[],;:\\\""))
        guard email.unicodeScalars.allSatisfy({ !forbidden.contains($0) }) else { throw problem }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }) else { throw problem }
        guard labels.count >= 2 || domain == "localhost" else { throw problem }
    }

    /// HTTPS only, except plain HTTP to `127.0.0.1` or `localhost` for local use.
    public static func validateWebhookURL(_ text: String) throws(DirectoryEntryError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw DirectoryEntryError(field: "webhookURL", problem: "is not an absolute URL")
        }
        guard components.user == nil, components.password == nil else {
            throw DirectoryEntryError(field: "webhookURL", problem: "must not carry credentials (use the webhook secret)")
        }
        switch scheme {
        case "https":
            return
        case "http" where ["127.0.0.1", "localhost"].contains(host.lowercased()):
            return
        default:
            throw DirectoryEntryError(field: "webhookURL", problem: "must use https (plain http only to 127.0.0.1 or localhost)")
        }
    }

    /// Agency codes as routing uses them (``AgencyCode``).
    public static func validateAgencyCode(_ code: String) throws(DirectoryEntryError) {
        guard AgencyCode.isValid(code) else {
            throw DirectoryEntryError(
                field: "agencies", problem: "must be agency codes (words of a-z 0-9 _ - joined by dots, at most 64 bytes)")
        }
    }
}
