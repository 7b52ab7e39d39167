import Foundation

/// How the cluster writes ids: RFC 4122's lower-case form, in every message, email,
/// webhook, log line and command output, so an id copied from any of them is found in
/// the others. Input accepts either case (`UUID(uuidString:)` does).
public enum ContractID {
    /// `id` in lower case, e.g. `c8f0aa4e-bd5e-4e1f-a7c2-1f0e9d8c7b6a`.
    public static func text(_ id: UUID) -> String {
        id.uuidString.lowercased()
    }
}
