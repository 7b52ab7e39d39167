/// Every word the live view shows, in English and Azerbaijani.
struct DashboardText: Sendable {
    var title: String
    var intro: @Sendable (_ windowDays: Int) -> String
    var updated: String
    var stale: String
    var signInAgain: String
    var agenciesHeading: String
    var agency: String
    var open: String
    var overdue: String
    var openInTime: String
    var completedOnTime: String
    var completedLate: String
    var median: String
    var allAgencies: String
    var noAgencies: String
    var overdueHeading: String
    var referral: String
    var caseId: String
    var person: String
    var missed: String
    var deadline: String
    var workingDaysLate: String
    var noOverdue: String
    var notAcknowledged: String
    var notCompleted: String
    var extensionsHeading: String
    var requestedDate: String
    var currentDeadline: String
    var requestedAt: String
    var noExtensions: String
    var footnote: String
    var signInTitle: String
    var signInBody: String
    var unavailable: String

    static func of(_ language: DashboardLanguage) -> DashboardText {
        switch language {
        case .en: english
        case .az: azerbaijani
        }
    }

    static let english = DashboardText(
        title: "Referrals: live view",
        intro: { "Open and overdue referrals now, per agency; completions recorded in the last \($0) days. Times are Baku time; working days are Monday to Friday minus public holidays." },
        updated: "Updated",
        stale: "Not updated: the server does not answer. Last figures as of",
        signInAgain: "The access token was refused: reload the page and sign in again.",
        agenciesHeading: "Per agency",
        agency: "Agency",
        open: "Open",
        overdue: "Overdue",
        openInTime: "Open, in time",
        completedOnTime: "Completed on time",
        completedLate: "Completed late",
        median: "Median working days to completion",
        allAgencies: "All agencies",
        noAgencies: "No open referrals and no completions in the window.",
        overdueHeading: "Overdue referrals",
        referral: "Referral",
        caseId: "Case",
        person: "Person",
        missed: "Missed",
        deadline: "Deadline",
        workingDaysLate: "Working days late",
        noOverdue: "No referral is overdue.",
        notAcknowledged: "not acknowledged",
        notCompleted: "not completed",
        extensionsHeading: "Pending extension requests",
        requestedDate: "Requested date",
        currentDeadline: "Current deadline",
        requestedAt: "Requested at",
        noExtensions: "No extension request is waiting for a decision.",
        footnote: "Overdue: still not acknowledged after the acknowledge-by deadline, or not completed after the due-by deadline. On time compares when the cluster recorded the agency's update with the deadline. People appear by initials only; the agencies' notes on extension requests (free text) are read with reintegrationctl referral extension list.",
        signInTitle: "Sign in",
        signInBody: "This page needs the dashboard's access token: give it as the password (any user name) when the browser asks.",
        unavailable: "The figures cannot be read right now. Reload the page in a minute; if this stays, the database or its reporting role needs attention.")

    static let azerbaijani = DashboardText(
        title: "Yönləndirmələr: canlı görünüş",
        intro: { "Qurumlar üzrə hazırda açıq və gecikmiş yönləndirmələr; son \($0) gündə qeydə alınmış icralar. Vaxt Bakı vaxtı ilədir; iş günləri bazar ertəsindən cüməyədək, bayram günləri çıxılmaqla." },
        updated: "Yeniləndi",
        stale: "Yenilənmir: server cavab vermir. Son rəqəmlərin vaxtı",
        signInAgain: "Giriş açarı qəbul edilmədi: səhifəni yeniləyin və yenidən daxil olun.",
        agenciesHeading: "Qurumlar üzrə",
        agency: "Qurum",
        open: "Açıq",
        overdue: "Gecikmiş",
        openInTime: "Açıq, vaxtında",
        completedOnTime: "Vaxtında icra edilib",
        completedLate: "Gecikmə ilə icra edilib",
        median: "İcraya qədər iş günlərinin medianı",
        allAgencies: "Bütün qurumlar",
        noAgencies: "Bu müddətdə açıq yönləndirmə və icra yoxdur.",
        overdueHeading: "Gecikmiş yönləndirmələr",
        referral: "Yönləndirmə",
        caseId: "İş",
        person: "Şəxs",
        missed: "Pozulan müddət",
        deadline: "Son müddət",
        workingDaysLate: "Gecikmə (iş günü)",
        noOverdue: "Gecikmiş yönləndirmə yoxdur.",
        notAcknowledged: "təsdiqlənməyib",
        notCompleted: "icra edilməyib",
        extensionsHeading: "Gözləyən müddət uzadılması sorğuları",
        requestedDate: "İstənilən tarix",
        currentDeadline: "Hazırkı son müddət",
        requestedAt: "Sorğu vaxtı",
        noExtensions: "Qərar gözləyən müddət uzadılması sorğusu yoxdur.",
        footnote: "Gecikmiş: təsdiq müddətindən sonra hələ təsdiqlənməyib və ya icra müddətindən sonra icra edilməyib. Vaxtında: klasterin qurumun yeniləməsini qeydə aldığı an son müddətlə müqayisə olunur. Şəxslər yalnız inisialları ilə göstərilir; qurumların müddət uzadılması sorğularındakı qeydlər (sərbəst mətn) reintegrationctl referral extension list ilə oxunur.",
        signInTitle: "Daxil olun",
        signInBody: "Bu səhifə üçün idarə panelinin giriş açarı lazımdır: brauzer soruşduqda onu parol kimi daxil edin (istifadəçi adı istənilən ola bilər).",
        unavailable: "Rəqəmləri hazırda oxumaq mümkün deyil. Bir dəqiqədən sonra səhifəni yeniləyin; vəziyyət dəyişməsə, verilənlər bazasını və onun hesabat rolunu yoxlamaq lazımdır.")
}
