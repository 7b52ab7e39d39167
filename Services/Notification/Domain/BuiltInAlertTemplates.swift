/// Copies of Services/Notification/Templates compiled into the binary, so it renders
/// alerts wherever it runs; a test keeps them equal to the files.
enum BuiltInAlertTemplates {
    /// File name (`<kind>.<language>.mustache`) to template text.
    static let files: [String: String] = [
        "consent-hold.az.mustache": #"""
            [Reinteqrasiya] {{caseId}} saylı iş razılıq gözləyir

            Hörmətli həmkar,

            {{caseId}} saylı iş (şəxs {{initials}}) məlumatların paylaşılmasına razılıq olmadan qeydə alınıb.
            Qeydiyyat sistemindən razılıq yeniləməsi gələnə qədər heç bir yönləndirmə göndərilmir.

            Bu məktubda şəxs yalnız inisialları ilə göstərilir.
            """#,
        "consent-hold.en.mustache": #"""
            [Reintegration] Case {{caseId}} is held awaiting consent

            Dear colleague,

            Case {{caseId}} (person {{initials}}) was registered without consent to share data.
            No referral leaves the cluster until a consent update arrives from the registration system.

            This message names the person by initials only.
            """#,
        "escalation.az.mustache": #"""
            [Reinteqrasiya] {{#reminder}}Xatırlatma{{/reminder}}{{^reminder}}Xəbərdarlıq{{/reminder}} (addım {{step}}): {{agency}} üçün yönləndirmə {{referralId}}{{#late}}, {{lateBy}} gecikmə{{/late}}

            Hörmətli həmkar,

            {{#step1}}Aşağıdakı yönləndirmə təsdiqlənməyib və təsdiq müddəti keçib.{{/step1}}
            {{#step2}}Aşağıdakı yönləndirmənin icra müddətinə bir iş günü qalıb və o hələ tamamlanmayıb.{{/step2}}
            {{#step3}}Aşağıdakı yönləndirmənin icra müddəti keçib və o tamamlanmayıb.{{/step3}}
            {{#step4}}Aşağıdakı yönləndirmə icra müddətindən beş iş günü sonra hələ də açıqdır.{{/step4}}

            İş:            {{caseId}}
            Yönləndirmə:   {{referralId}}
            Qurum:         {{agency}}
            Şəxs:          {{initials}}
            Son müddət:    {{deadline}} (Bakı vaxtı)
            {{#late}}
            Gecikmə:       {{lateBy}}
            {{/late}}

            Zəhmət olmasa, qurumunuzun sistemində yönləndirmə üzrə tədbir görün.
            Bu məktubda şəxs yalnız inisialları ilə göstərilir.
            """#,
        "escalation.en.mustache": #"""
            [Reintegration] {{#reminder}}Reminder{{/reminder}}{{^reminder}}Alert{{/reminder}} (step {{step}}): referral {{referralId}} for {{agency}}{{#late}}, {{lateBy}} late{{/late}}

            Dear colleague,

            {{#step1}}The referral below has not been acknowledged and its acknowledgement deadline has passed.{{/step1}}
            {{#step2}}The referral below is due within one working day and is not completed yet.{{/step2}}
            {{#step3}}The referral below has passed its completion deadline and is not completed.{{/step3}}
            {{#step4}}The referral below is still open five working days after its completion deadline.{{/step4}}

            Case:      {{caseId}}
            Referral:  {{referralId}}
            Agency:    {{agency}}
            Person:    {{initials}}
            Deadline:  {{deadline}} (Asia/Baku)
            {{#late}}
            Late by:   {{lateBy}}
            {{/late}}

            Please act on the referral in your agency's system.
            This message names the person by initials only.
            """#,
        "operator.az.mustache": #"""
            [Reinteqrasiya] {{#noRecipient}}Xəbərdarlıq heç kimə çatmadı{{/noRecipient}}{{^noRecipient}}Bildiriş çatdırıla bilmədi{{/noRecipient}} ({{deliveryKey}})

            {{#noRecipient}}Xəbərdarlığın auditoriyası üçün kataloqda aktiv şəxs tapılmadı, ona görə heç kimə bildirilmədi. Müvafiq şəxsləri əlavə edin və ya aktivləşdirin (reintegrationctl directory).{{/noRecipient}}{{^noRecipient}}Bildiriş təkrar cəhdlərdən sonra çatdırıla bilmədi.{{/noRecipient}}

            Hesabat:       {{deliveryKey}}
            {{#caseId}}
            İş:            {{caseId}}
            {{/caseId}}
            {{#referralId}}
            Yönləndirmə:   {{referralId}}
            {{/referralId}}
            {{#agency}}
            Qurum:         {{agency}}
            {{/agency}}

            {{^noRecipient}}Bütün cəhdlər bildiriş sxemində (delivery_attempts) qeydə alınıb.{{/noRecipient}}
            """#,
        "operator.en.mustache": #"""
            [Reintegration] {{#noRecipient}}An alert reached nobody{{/noRecipient}}{{^noRecipient}}A notification could not be delivered{{/noRecipient}} ({{deliveryKey}})

            {{#noRecipient}}An alert found no active person in the directory for its audiences, so nobody was told. Add or activate the people concerned (reintegrationctl directory).{{/noRecipient}}{{^noRecipient}}A notification kept failing and was given up after its retries.{{/noRecipient}}

            Report:    {{deliveryKey}}
            {{#caseId}}
            Case:      {{caseId}}
            {{/caseId}}
            {{#referralId}}
            Referral:  {{referralId}}
            {{/referralId}}
            {{#agency}}
            Agency:    {{agency}}
            {{/agency}}

            {{^noRecipient}}Every attempt is recorded in the notification schema (delivery_attempts).{{/noRecipient}}
            """#,
    ]
}
