/// Every line the agency commands print for a person, in English or Azerbaijani. Codes
/// (statuses, reasons, ids, dates) stay as the contract writes them, so they can be
/// looked up and typed back.
struct AgencyText: Sendable {
    let language: AgencyLanguage

    private func pick(_ en: String, _ az: String) -> String { language == .az ? az : en }

    var errorPrefix: String { pick("error", "xəta") }

    var noURL: String {
        pick("give --amqp-url with --password-file (or set AGENCY_AMQP_URL): your agency account's amqp:// URL",
             "--amqp-url və --password-file verin (və ya AGENCY_AMQP_URL təyin edin): agentliyinizin hesabının amqp:// ünvanı")
    }

    var notAnAgencyAccount: String {
        pick("the URL's user is not an agency account (agency-<code>)",
             "ünvandakı istifadəçi agentlik hesabı deyil (agency-<kod>)")
    }

    // MARK: Broker failures

    func unreachable(_ detail: String) -> String {
        pick("the broker cannot be reached: \(detail)", "brokerə qoşulmaq mümkün olmadı: \(detail)")
    }

    var loginRefused: String {
        pick("the broker refused the login: check the account name and the password",
             "broker girişi rədd etdi: hesabın adını və parolu yoxlayın")
    }

    func refusedByBroker(_ detail: String) -> String {
        pick("the broker refused the operation (\(detail)): check the account's permissions",
             "broker əməliyyatı rədd etdi (\(detail)): hesabın icazələrini yoxlayın")
    }

    func noQueue(_ detail: String) -> String {
        pick("the broker has no such queue or exchange (\(detail)): ask the cluster's operators",
             "brokerdə belə növbə və ya mübadilə yoxdur (\(detail)): klasterin operatorlarına müraciət edin")
    }

    // MARK: pull

    func directoryBusy(_ directory: String) -> String {
        pick("another agency pull is working in \(directory); this run did nothing (try again later)",
             "\(directory) qovluğunda başqa bir agency pull işləyir; bu dəfə heç nə edilmədi (sonra yenidən cəhd edin)")
    }

    func cannotWrite(_ path: String, _ reason: String) -> String {
        pick("cannot write \(path): \(reason); nothing was acknowledged that is not on disk",
             "\(path) yazıla bilmədi: \(reason); diskdə olmayan heç nə təsdiqlənmədi")
    }

    func savedReferral(_ id: String, district: String, dueBy: String) -> String {
        pick("saved referral \(id) (district \(district), due by \(dueBy))",
             "göndəriş \(id) saxlanıldı (rayon \(district), son müddət \(dueBy))")
    }

    func savedUpdate(_ id: String, dueBy: String, reason: String) -> String {
        pick("saved update of referral \(id): due by \(dueBy) (\(reason))",
             "göndəriş \(id) üzrə yenilik saxlanıldı: son müddət \(dueBy) (\(reason))")
    }

    func keptAside(_ path: String, _ why: String) -> String {
        pick("kept aside \(path): \(why); look at it, then delete it",
             "\(path) ayrıca saxlanıldı: \(why); ona baxın, sonra silin")
    }

    func pullSummary(referrals: Int, updates: Int, keptAside: Int, listed: Int, csv: String) -> String {
        pick("pulled \(referrals) referrals, \(updates) updates, \(keptAside) kept aside; \(listed) referrals in \(csv)",
             "\(referrals) göndəriş, \(updates) yenilik alındı, \(keptAside) ayrıca saxlanıldı; \(csv) faylında \(listed) göndəriş var")
    }

    var notJSONObject: String { pick("not a JSON object", "JSON obyekti deyil") }
    func unknownType(_ type: String) -> String { pick("unknown message type \(type)", "naməlum mesaj növü \(type)") }
    func missingField(_ field: String) -> String {
        pick("\(field) is missing or malformed", "\(field) yoxdur və ya düzgün deyil")
    }

    // MARK: update

    func applied(_ id: String, status: String) -> String {
        pick("applied: referral \(id) is now \(status)", "tətbiq edildi: göndəriş \(id) indi \(status) vəziyyətindədir")
    }

    func extensionRecorded(_ id: String, dueBy: String, status: String) -> String {
        pick("applied: more time until \(dueBy) asked for referral \(id) (still \(status)); the working group decides, and its answer arrives with your next pull",
             "tətbiq edildi: göndəriş \(id) üçün \(dueBy) tarixinədək vaxt istəndi (hələ \(status)); qərarı işçi qrup verir, cavab növbəti pull ilə gələcək")
    }

    func duplicate(_ id: String, status: String) -> String {
        pick("duplicate: referral \(id) is already \(status); nothing changed",
             "təkrar: göndəriş \(id) artıq \(status) vəziyyətindədir; heç nə dəyişmədi")
    }

    func refused(_ reason: String, detail: String) -> String {
        pick("refused (\(reason)): \(detail)\n\(explanation(of: reason))",
             "rədd edildi (\(reason)): \(detail)\n\(explanation(of: reason))")
    }

    /// What a refusal reason means and what to do.
    func explanation(of reason: String) -> String {
        switch reason {
        case "invalid-transition":
            pick("the referral cannot go to that status from the one it has (it may be closed already)",
                 "göndəriş hazırkı vəziyyətindən həmin vəziyyətə keçə bilməz (ola bilsin artıq bağlanıb)")
        case "wrong-agency":
            pick("the referral belongs to another agency", "göndəriş başqa agentliyə aiddir")
        case "unknown-referral":
            pick("no referral has this id: check it against your pulled files", "bu identifikatorla göndəriş yoxdur: alınmış fayllarla yoxlayın")
        case "invalid-field":
            pick("a field is missing or wrong (named above)", "sahələrdən biri yoxdur və ya səhvdir (yuxarıda adı var)")
        default:
            pick("the update changed nothing", "yenilik heç nəyi dəyişmədi")
        }
    }

    func timedOut(seconds: Int) -> String {
        pick("no outcome within \(seconds) s: the update was sent and may still be applied; run the same command again later (a repeat is answered duplicate)",
             "\(seconds) saniyə ərzində cavab gəlmədi: yenilik göndərildi və hələ tətbiq oluna bilər; sonra eyni əmri yenidən işlədin (təkrar \"duplicate\" cavabı alır)")
    }

    func statusNotRecorded(_ path: String, _ reason: String) -> String {
        pick("the cluster confirmed the update, but \(path) cannot be written: \(reason); run the same command again to record it (a repeat is answered duplicate)",
             "klaster yeniliyi təsdiqlədi, amma \(path) yazıla bilmədi: \(reason); qeyd etmək üçün eyni əmri yenidən işlədin (təkrar \"duplicate\" cavabı alır)")
    }

    var notConfirmed: String {
        pick("the broker did not confirm the update: nothing was sent; try again",
             "broker yeniliyi təsdiqləmədi: heç nə göndərilmədi; yenidən cəhd edin")
    }

    var unreadableOutcome: String {
        pick("an answer came that cannot be read", "oxuna bilməyən cavab gəldi")
    }

    var badReferralId: String { pick("REFERRAL_ID must be a referral's id (a UUID)", "REFERRAL_ID göndərişin identifikatoru (UUID) olmalıdır") }
    func badStatus(_ allowed: String) -> String { pick("STATUS must be one of \(allowed)", "STATUS bunlardan biri olmalıdır: \(allowed)") }
    var declineNeedsNote: String { pick("declined needs --note", "declined üçün --note lazımdır") }
    var extensionNeedsDate: String {
        pick("extension-requested needs --due-by YYYY-MM-DD", "extension-requested üçün --due-by YYYY-MM-DD lazımdır")
    }
    var extensionNeedsNote: String { pick("extension-requested needs --note", "extension-requested üçün --note lazımdır") }
    var dueByOnlyForExtension: String {
        pick("--due-by goes with extension-requested only", "--due-by yalnız extension-requested ilə verilir")
    }
    func outOfRange(_ option: String, _ range: String) -> String {
        pick("\(option) must be between \(range) seconds", "\(option) \(range) saniyə arasında olmalıdır")
    }

    // MARK: list

    func listHeading(_ directory: String, asOf: String, count: Int, overdueOnly: Bool) -> String {
        overdueOnly
            ? pick("Overdue referrals in \(directory) as of \(asOf): \(count)", "\(directory) qovluğunda gecikmiş göndərişlər (\(asOf)): \(count)")
            : pick("Referrals in \(directory) as of \(asOf): \(count)", "\(directory) qovluğundakı göndərişlər (\(asOf)): \(count)")
    }

    var listColumns: [String] {
        language == .az
            ? ["göndəriş", "iş", "rayon", "ehtiyaclar", "təsdiq müddəti", "son müddət", "vəziyyət", "müddət"]
            : ["referral", "case", "district", "needs", "acknowledge by", "due by", "status", "deadline"]
    }

    /// The deadline column of a completed or declined referral.
    var closed: String { pick("closed", "bağlanıb") }

    func workingDaysLeft(_ days: Int) -> String {
        days == 0 ? pick("due today", "bu gün bitir") : pick("\(days) working days left", "\(days) iş günü qalıb")
    }

    func overdue(_ days: Int) -> String {
        days == 0 ? pick("overdue since today", "bu gündən gecikir") : pick("overdue by \(days) working days", "\(days) iş günü gecikir")
    }

    func unreadableFile(_ name: String) -> String {
        pick("skipped \(name): not a referral file", "\(name) buraxıldı: göndəriş faylı deyil")
    }

    func noDirectory(_ directory: String) -> String {
        pick("\(directory) does not exist: run agency pull --to \(directory) first",
             "\(directory) yoxdur: əvvəlcə agency pull --to \(directory) işlədin")
    }
}
