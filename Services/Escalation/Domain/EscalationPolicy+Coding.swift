import Contract
import Foundation

/// A policy document may give the whole ladder (`steps`, replacing the default) and
/// per-agency overrides:
///
/// ```json
/// {"agencies": {"health": [{"step": 2, "offset": {"seconds": -10}}],
///               "local.*": [{"step": 4, "audiences": ["secretariat"]}]}}
/// ```
///
/// Unknown keys are refused; encoding writes the whole policy.
extension EscalationPolicy: Codable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case steps, agencies
    }

    public init(from decoder: any Decoder) throws {
        try PolicyDecoding.rejectUnknownKeys(in: decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let policy = EscalationPolicy(
            steps: try container.decodeIfPresent([LadderStep].self, forKey: .steps) ?? Self.default.steps,
            agencies: try container.decodeIfPresent([String: [LadderStepOverride]].self, forKey: .agencies) ?? [:]
        )
        try policy.validate()
        self = policy
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(steps, forKey: .steps)
        try container.encode(agencies, forKey: .agencies)
    }

    /// Decodes and validates a policy document; errors name the bad entry.
    public static func load(json: some DataProtocol) throws(EscalationPolicyError) -> EscalationPolicy {
        try PolicyDecoding.load(
            EscalationPolicy.self, from: json, notJSON: EscalationPolicyError.notJSON,
            invalidEntry: { entry, problem in .invalidEntry(entry: entry, problem: problem) })
    }
}
