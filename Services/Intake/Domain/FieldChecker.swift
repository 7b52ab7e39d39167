import Contract
import Foundation
import StrictJSON
import WorkingCalendar

/// Reads fields out of parsed JSON and records every problem it meets, so one pass over
/// a message reports all that is wrong with it, in the order the fields are checked.
///
/// Each reader returns the value when it is usable and `nil` otherwise (absent, or a
/// problem was recorded). An optional field given as `null` counts as absent.
struct FieldChecker {
    /// The Baku local date of the moment of checking: "in the future" is after it.
    let today: CivilDay
    private(set) var problems: [FieldProblem] = []

    init(now: Date) {
        today = IntakeVocabulary.bakuCalendar.localDay(of: now)
    }

    mutating func report(_ field: String, _ problem: String) {
        problems.append(FieldProblem(field: field, problem: problem))
    }

    // MARK: JSON types

    mutating func object(_ value: JSONValue?, at field: String, required: Bool) -> [String: JSONValue]? {
        switch value {
        case .object(let members): return members
        case nil, .null: if required { report(field, "is required") }
        default: report(field, "must be an object")
        }
        return nil
    }

    mutating func array(_ value: JSONValue?, at field: String) -> [JSONValue]? {
        switch value {
        case .array(let elements): return elements
        case nil, .null: break
        default: report(field, "must be an array")
        }
        return nil
    }

    mutating func boolean(_ value: JSONValue?, at field: String, required: Bool) -> Bool? {
        switch value {
        case .bool(let flag): return flag
        case nil, .null: if required { report(field, "is required") }
        default: report(field, "must be a boolean (true or false)")
        }
        return nil
    }

    /// A string that will be stored: no NUL characters, at most `maximumLength` Characters
    /// and as many Unicode scalars.
    mutating func text(
        _ value: JSONValue?, at field: String, required: Bool, allowEmpty: Bool = false,
        maximumLength: Int = .max
    ) -> String? {
        switch value {
        case .string(let text):
            if text.utf8.contains(0) {
                report(field, "must not contain NUL characters")
            } else if text.isEmpty && !allowEmpty {
                report(field, "must not be empty")
            } else if maximumLength < .max && !TextLength.fits(text, within: maximumLength) {
                report(field, "must be at most \(maximumLength) characters")
            } else {
                return text
            }
        case nil, .null:
            if required { report(field, "is required") }
        default:
            report(field, "must be a string")
        }
        return nil
    }

    /// A string that must be one of a closed list of values.
    mutating func choice(_ value: JSONValue?, at field: String, required: Bool, from allowed: [String]) -> String? {
        guard let text = text(value, at: field, required: required) else { return nil }
        guard allowed.contains(text) else {
            report(field, "must be \(Self.alternatives(allowed))")
            return nil
        }
        return text
    }

    // MARK: The contract's formats

    /// 1–64 of `A-Z a-z 0-9 . _ / -`.
    mutating func smsReference(_ value: JSONValue?, at field: String) -> String? {
        guard let text = text(value, at: field, required: true, maximumLength: IntakeVocabulary.smsReferenceMaximumLength)
        else { return nil }
        guard Self.isSMSReference(text) else {
            report(field, "must contain only A-Z, a-z, 0-9, '.', '_', '/' and '-'")
            return nil
        }
        return text
    }

    /// RFC 3339 with an explicit offset or `Z`.
    mutating func timestamp(_ value: JSONValue?, at field: String, required: Bool) -> Date? {
        guard let text = text(value, at: field, required: required) else { return nil }
        guard let date = Timestamp.parse(text) else {
            report(field, "must be an RFC 3339 date and time with offset (e.g. 2026-05-29T10:15:00+04:00)")
            return nil
        }
        return date
    }

    /// A person's name: letters of any script and combining marks, spaces, `-`, `'`, `’`;
    /// at least one letter.
    mutating func name(_ value: JSONValue?, at field: String, required: Bool) -> String? {
        guard let text = text(value, at: field, required: required, maximumLength: IntakeVocabulary.nameMaximumLength)
        else { return nil }
        guard text.unicodeScalars.allSatisfy(Self.isNameScalar) else {
            report(field, "must contain only letters, spaces, hyphens and apostrophes")
            return nil
        }
        guard text.unicodeScalars.contains(where: Self.isLetter) else {
            report(field, "must contain a letter")
            return nil
        }
        return text
    }

    /// A birth date: `YYYY-MM-DD`, a real date, not after today in Baku, at most 120 years ago.
    mutating func birthDate(_ value: JSONValue?, at field: String) -> CivilDay? {
        guard let text = text(value, at: field, required: true) else { return nil }
        guard Self.hasDateShape(text) else {
            report(field, "must be a date in the form YYYY-MM-DD")
            return nil
        }
        guard let date = CivilDay(text) else {
            report(field, "is not a real date")
            return nil
        }
        if date > today {
            report(field, "is in the future")
            return nil
        }
        if date.years(until: today) > IntakeVocabulary.maximumAgeInYears {
            report(field, "is more than \(IntakeVocabulary.maximumAgeInYears) years ago")
            return nil
        }
        return date
    }

    // MARK: Character classes

    static func isSMSReference(_ text: String) -> Bool {
        text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "/"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// Exactly 7 of `0-9 A-Z` (the FIN).
    static func isPersonalId(_ text: String) -> Bool {
        text.utf8.count == IntakeVocabulary.personalIdLength && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        }
    }

    /// E.164: `+` then 8–15 digits, the first not zero (no country code starts with 0).
    static func isE164(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let digits = bytes.dropFirst()
        return bytes.first == UInt8(ascii: "+")
            && (IntakeVocabulary.phoneMinimumDigits...IntakeVocabulary.phoneMaximumDigits).contains(digits.count)
            && digits.first != UInt8(ascii: "0")
            && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark:
            true
        default:
            scalar == " " || scalar == "-" || scalar == "'" || scalar == "\u{2019}"
        }
    }

    /// `NNNN-NN-NN` with ASCII digits, before asking whether the date exists.
    static func hasDateShape(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 ? byte == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }

    /// "a, b or c".
    static func alternatives(_ values: [String]) -> String {
        guard values.count > 1 else { return values.first ?? "" }
        return values.dropLast().joined(separator: ", ") + " or " + (values.last ?? "")
    }
}
