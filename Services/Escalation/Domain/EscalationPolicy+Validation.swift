import Contract
import WorkingCalendar

extension EscalationPolicy {
    /// The largest offset a step may have, either way: about a year.
    static let maximumWorkingDays = 260
    static let maximumSeconds = 366 * 86_400

    /// Checks the ladder and every agency's version of it, naming the first bad entry.
    public func validate() throws(EscalationPolicyError) {
        guard !steps.isEmpty else { throw .invalidEntry(entry: "steps", problem: "must list at least one step") }
        var seenSteps = Set<Int>()
        for (index, step) in steps.enumerated() {
            guard seenSteps.insert(step.step).inserted else {
                throw .invalidEntry(entry: "steps[\(index)].step", problem: "repeats step \(step.step)")
            }
            try Self.validate(step, entry: "steps[\(index)]")
        }
        for agency in agencies.keys.sorted() {
            let entry = "agencies.\(agency)"
            guard agency == Self.districtAuthoritiesKey || Self.isAgencyCode(agency) else {
                throw .invalidEntry(entry: entry, problem: "is neither an agency code nor \(Self.districtAuthoritiesKey)")
            }
            var overridden = Set<Int>()
            for (index, override) in (agencies[agency] ?? []).enumerated() {
                guard seenSteps.contains(override.step) else {
                    throw .invalidEntry(entry: "\(entry)[\(index)].step", problem: "no step \(override.step) in steps")
                }
                guard overridden.insert(override.step).inserted else {
                    throw .invalidEntry(entry: "\(entry)[\(index)].step", problem: "step \(override.step) is overridden twice")
                }
                guard let base = steps.first(where: { $0.step == override.step }) else { continue }
                try Self.validate(override.applied(to: base), entry: "\(entry)[\(index)]")
            }
        }
    }

    static func validate(_ step: LadderStep, entry: String) throws(EscalationPolicyError) {
        guard step.step >= 1 else { throw .invalidEntry(entry: "\(entry).step", problem: "must be 1 or more") }
        switch step.offset {
        case .workingDays(let days) where abs(days) > maximumWorkingDays:
            throw .invalidEntry(entry: "\(entry).offset", problem: "workingDays must be within ±\(maximumWorkingDays)")
        case .seconds(let seconds) where abs(seconds) > maximumSeconds:
            throw .invalidEntry(entry: "\(entry).offset", problem: "seconds must be within ±\(maximumSeconds)")
        default:
            break
        }
        guard !step.audiences.isEmpty else {
            throw .invalidEntry(entry: "\(entry).audiences", problem: "must name at least one audience")
        }
        guard Set(step.audiences).count == step.audiences.count else {
            throw .invalidEntry(entry: "\(entry).audiences", problem: "names an audience twice")
        }
        guard step.cancelledBy.isSuperset(of: LadderStep.closingEvents) else {
            throw .invalidEntry(entry: "\(entry).cancelledBy", problem: "must include completed and declined")
        }
        guard !step.cancelledBy.contains(.issued) else {
            throw .invalidEntry(entry: "\(entry).cancelledBy", problem: "may not include issued")
        }
    }

    /// Words of `a-z 0-9 _ -` joined by dots, at most 64 characters.
    static func isAgencyCode(_ text: String) -> Bool { AgencyCode.isValid(text) }
}
