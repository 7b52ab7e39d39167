/// What one readiness check found: whether it passed, and optionally why not (or what
/// else an operator should know while it passes, such as a full destination queue).
public struct ReadinessResult: Sendable, Hashable {
    public var passed: Bool
    /// Shown under `details` in `/readyz`; never a secret or personal data.
    public var detail: String?

    public init(passed: Bool, detail: String? = nil) {
        self.passed = passed
        self.detail = detail
    }
}
