/// A span of time as policies state it: whole working days on a `WorkingCalendar`, or a
/// plain number of seconds (drills and tests, where waiting days is not an option).
///
/// Coded as `{"workingDays": 2}` or `{"seconds": 30}`, exactly one key. The sign is kept:
/// an offset of `{"workingDays": -1}` means one working day earlier. Whether a sign or a
/// size makes sense is for the policy that uses the span to check.
public enum WorkingDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    case workingDays(Int)
    case seconds(Int)

    private enum CodingKeys: String, CodingKey {
        case workingDays
        case seconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let workingDays = try container.decodeIfPresent(Int.self, forKey: .workingDays)
        let seconds = try container.decodeIfPresent(Int.self, forKey: .seconds)
        switch (workingDays, seconds) {
        case (let days?, nil): self = .workingDays(days)
        case (nil, let seconds?): self = .seconds(seconds)
        default:
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath,
                debugDescription: "expected exactly one of \"workingDays\" or \"seconds\""
            ))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .workingDays(let days): try container.encode(days, forKey: .workingDays)
        case .seconds(let seconds): try container.encode(seconds, forKey: .seconds)
        }
    }

    public var description: String {
        switch self {
        case .workingDays(let days): "\(days) working day\(abs(days) == 1 ? "" : "s")"
        case .seconds(let seconds): "\(seconds) second\(abs(seconds) == 1 ? "" : "s")"
        }
    }
}
