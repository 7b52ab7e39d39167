import Contract
import WorkingCalendar

/// The closed value lists and limits of `readmission.v1`, as the contract states them.
enum IntakeVocabulary {
    /// The seven needs, in the contract's order (also the order of validated needs).
    static let needs = ["health", "psychosocial", "employment", "social-assistance", "education", "housing", "documents"]
    /// Added when the record has no `personalId`: the person needs identity documents.
    static let documentsNeed = "documents"
    static let relations = ["spouse", "child", "parent", "other"]
    static let sexes = ["female", "male"]

    static let smsReferenceMaximumLength = 64
    static let agreementReferenceMaximumLength = 64
    static let borderPointMaximumLength = 16
    static let personalIdLength = 7
    static let nameMaximumLength = 100
    static let addressLineMaximumLength = 200
    static let notesMaximumLength = 4000
    static let familyMaximumCount = 20
    static let phoneMinimumDigits = 8
    static let phoneMaximumDigits = 15
    static let maximumAgeInYears = 120
    /// How far ahead of the receiver's clock `readmittedAt` may be (clock skew, time zones).
    static let readmittedAtMaximumLead: Double = 86_400
    static let earliestReadmissionDate = CivilDay(ordinal: 10_957)  // 2000-01-01
    /// "Today" and "in the future" are decided on the Asia/Baku calendar, whatever the
    /// server's own time zone (holidays do not matter to intake).
    static let bakuCalendar = WorkingCalendar()
}
