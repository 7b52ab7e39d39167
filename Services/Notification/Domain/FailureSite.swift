/// Whose failure a failed attempt is: it decides which circuit counts it, and whether the
/// delivery spends one of its own retries on it.
public enum FailureSite: String, Sendable, Equatable {
    /// The SMTP relay, which every email goes through.
    case relay
    /// A webhook receiver's host, which several people may share.
    case receiver
    /// One person's address or endpoint (SMTP `RCPT TO` refused, HTTP 4xx).
    case recipient
    /// The alert itself (a template that does not render): no endpoint was involved.
    case alert

    /// Whether the failure belongs to an endpoint many deliveries share: its deliveries
    /// wait behind that endpoint's circuit instead of being retried one by one.
    public var isShared: Bool { self == .relay || self == .receiver }
}
