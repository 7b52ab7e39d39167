import StrictJSON

extension StrictJSONError {
    /// The contract's code for a body refused before any field is read: `too-large` for
    /// size, `not-json` for everything else (a duplicated key included).
    public var rejectionReason: RejectionReason {
        if case .tooLarge = self { return .tooLarge }
        return .notJSON
    }
}
