/// The PostgreSQL NOTIFY channels of the escalation schema, named once for the service
/// and for the operators' tool that wakes it.
public enum EscalationChannels {
    /// Wakes the service's ladder timers when steps are planned or moved.
    public static let steps = "escalation_steps"
}
