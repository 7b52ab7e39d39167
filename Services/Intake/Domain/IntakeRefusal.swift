import Contract

/// Why a message is refused, ready for the `intake.rejected` headers and the outcome reply.
///
/// Carries field paths and plain-language problems only, never the offending values, so
/// `description` is safe to log.
public struct IntakeRefusal: Sendable, Equatable, Error, CustomStringConvertible, CustomDebugStringConvertible {
    /// The longest `detail`, in UTF-8 bytes: header values must stay small.
    public static let maximumDetailLength = 1000

    /// The contract's machine code; the parser uses `.tooLarge`, `.notJSON`, `.unknownSchema` and
    /// `.invalidField`, the service others such as `.conflict`.
    public var reason: RejectionReason
    /// Every problem found, in the contract's field order; never empty.
    public var problems: [FieldProblem]
    /// The body's `smsReference` when it was valid, so a reply can name the record.
    public var smsReference: String?
    /// The body's `schema` when it was a short string (possibly an unknown one).
    public var schema: String?

    /// A refusal; `problems` must not be empty.
    public init(reason: RejectionReason, problems: [FieldProblem], smsReference: String? = nil, schema: String? = nil) {
        self.reason = reason
        self.problems = problems
        self.smsReference = smsReference
        self.schema = schema
    }

    /// One human line for `x-rejection-detail`, naming the fields, e.g.
    /// `person.birthDate: is in the future; person.address.district: is not a known district code`.
    /// Never quotes values; at most `maximumDetailLength` bytes, ending in a count of the
    /// problems left out when they do not all fit.
    public var detail: String {
        let separator = "; "
        var text = ""
        for (index, problem) in problems.enumerated() {
            let item = (text.isEmpty ? "" : separator) + problem.description
            let remaining = problems.count - index - 1
            // Keep room for the trailing count whenever more problems follow.
            let reserve = remaining > 0 ? 40 : 0
            if text.utf8.count + item.utf8.count + reserve > Self.maximumDetailLength {
                let omitted = problems.count - index
                let suffix = (text.isEmpty ? "" : separator) + "and \(omitted) more problem\(omitted == 1 ? "" : "s")"
                if text.utf8.count + suffix.utf8.count <= Self.maximumDetailLength {
                    text += suffix
                }
                return text.isEmpty ? Self.truncated(problem.description) : text
            }
            text += item
        }
        return text.isEmpty ? reason.rawValue : text
    }

    /// Reason and detail: field paths and problems only, safe to log.
    public var description: String { "message refused (\(reason.rawValue)): \(detail)" }

    /// Adds the usable `smsReference` and `schema`, which are identifiers, not personal data.
    public var debugDescription: String {
        let reference = smsReference.map { String(reflecting: $0) } ?? "none"
        let schemaText = schema.map { String(reflecting: $0) } ?? "none"
        return "\(description) [smsReference: \(reference), schema: \(schemaText)]"
    }

    /// Cuts a single over-long item at a character boundary within the byte limit.
    private static func truncated(_ text: String) -> String {
        var result = ""
        for character in text {
            guard result.utf8.count + character.utf8.count <= maximumDetailLength else { break }
            result.append(character)
        }
        return result
    }
}
