import Contract
import Foundation
import StrictJSON

/// Decides what an SMS message is: a valid readmission record, a valid consent update,
/// or a refusal listing every problem found. Pure: no I/O, the clock is a parameter.
public struct IntakeParser: Sendable {
    /// At most this many problems are listed; a last one says how many more there were.
    /// A 64 KiB body can hold tens of thousands of bad array entries.
    public static let maximumListedProblems = 100

    /// The district codes `person.address.district` must come from.
    public var districts: DistrictCatalog

    /// A parser checking districts against `districts`.
    public init(districts: DistrictCatalog = .default) {
        self.districts = districts
    }

    /// Decides what an SMS message is. `now` is injected for tests.
    public func parse(body: [UInt8], now: Date) -> IntakeInput {
        let document: [String: JSONValue]
        do {
            document = try StrictJSONDecoder(maximumSize: maximumBodySize).decodeObject(body)
        } catch {
            return .refused(IntakeRefusal(
                reason: error.rejectionReason, problems: [FieldProblem(field: error.field, problem: error.problem)]))
        }

        let schema = Self.reportableSchema(document["schema"])
        let smsReference = Self.usableSMSReference(document["smsReference"])
        func refused(_ reason: RejectionReason, _ problems: [FieldProblem]) -> IntakeInput {
            .refused(IntakeRefusal(
                reason: reason, problems: Self.capped(problems), smsReference: smsReference, schema: schema))
        }

        switch document["schema"] {
        case .string(MessageType.readmission):
            switch ReadmissionRules(districts: districts).validate(document, now: now) {
            case .valid(let record): return .readmission(record)
            case .invalid(let problems): return refused(.invalidField, problems)
            }
        case .string(MessageType.consent):
            switch ConsentRules().validate(document, now: now) {
            case .valid(let update): return .consent(update)
            case .invalid(let problems): return refused(.invalidField, problems)
            }
        case nil, .null:
            return refused(.unknownSchema, [FieldProblem(field: "schema", problem: "is required")])
        case .string:
            return refused(.unknownSchema, [FieldProblem(
                field: "schema", problem: "must be \(MessageType.readmission) or \(MessageType.consent)")])
        default:
            return refused(.unknownSchema, [FieldProblem(field: "schema", problem: "must be a string")])
        }
    }

    /// The `schema` string, when short and printable enough to repeat in a reply or a log.
    static func reportableSchema(_ value: JSONValue?) -> String? {
        guard case .string(let text) = value, TextLength.fits(text, within: 64),
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return text
    }

    /// The `smsReference` when it satisfies the contract, so a refusal can still name it.
    static func usableSMSReference(_ value: JSONValue?) -> String? {
        guard case .string(let text) = value, !text.isEmpty,
              text.utf8.count <= IntakeVocabulary.smsReferenceMaximumLength, FieldChecker.isSMSReference(text)
        else { return nil }
        return text
    }

    static func capped(_ problems: [FieldProblem]) -> [FieldProblem] {
        guard problems.count > maximumListedProblems else { return problems }
        let omitted = problems.count - maximumListedProblems
        return Array(problems.prefix(maximumListedProblems))
            + [FieldProblem(field: "body", problem: "has \(omitted) more problem\(omitted == 1 ? "" : "s") not listed")]
    }
}
