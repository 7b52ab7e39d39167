/// What an SMS message turned out to be.
public enum IntakeInput: Sendable, Equatable {
    /// A valid `readmission.v1` record.
    case readmission(ValidatedReadmission)
    /// A valid `consent.v1` update.
    case consent(ConsentUpdate)
    /// A message the intake service refuses, with every reason found.
    case refused(IntakeRefusal)
}
