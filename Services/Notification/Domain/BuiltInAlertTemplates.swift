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
            --- html ---
            <p>Hörmətli həmkar,</p>
            <p>{{caseId}} saylı iş (şəxs {{initials}}) məlumatların paylaşılmasına razılıq olmadan qeydə alınıb.
            Qeydiyyat sistemindən razılıq yeniləməsi gələnə qədər heç bir yönləndirmə göndərilmir.</p>
            <table cellpadding="4" style="border-collapse: collapse">
            <tr><th align="left">İş</th><td>{{caseId}}</td></tr>
            <tr><th align="left">Şəxs</th><td>{{initials}}</td></tr>
            </table>
            <p>Bu məktubda şəxs yalnız inisialları ilə göstərilir.</p>
            """#,
        "consent-hold.en.mustache": #"""
            [Reintegration] Case {{caseId}} is held awaiting consent

            Dear colleague,

            Case {{caseId}} (person {{initials}}) was registered without consent to share data.
            No referral leaves the cluster until a consent update arrives from the registration system.

            This message names the person by initials only.
            --- html ---
            <p>Dear colleague,</p>
            <p>Case {{caseId}} (person {{initials}}) was registered without consent to share data.
            No referral leaves the cluster until a consent update arrives from the registration system.</p>
            <table cellpadding="4" style="border-collapse: collapse">
            <tr><th align="left">Case</th><td>{{caseId}}</td></tr>
            <tr><th align="left">Person</th><td>{{initials}}</td></tr>
            </table>
            <p>This message names the person by initials only.</p>
            """#,
        "escalation.az.mustache": #"""
            [Reinteqrasiya] {{agency}}: {{#late}}{{lateBy}} gecikmə{{/late}}{{^late}}son müddət {{deadline}}{{/late}} ({{#reminder}}xatırlatma{{/reminder}}{{^reminder}}xəbərdarlıq{{/reminder}}, addım {{step}}), yönləndirmə {{referralId}}

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
            --- html ---
            <p>Hörmətli həmkar,</p>
            {{#step1}}<p>Aşağıdakı yönləndirmə təsdiqlənməyib və təsdiq müddəti keçib.</p>{{/step1}}
            {{#step2}}<p>Aşağıdakı yönləndirmənin icra müddətinə bir iş günü qalıb və o hələ tamamlanmayıb.</p>{{/step2}}
            {{#step3}}<p>Aşağıdakı yönləndirmənin icra müddəti keçib və o tamamlanmayıb.</p>{{/step3}}
            {{#step4}}<p>Aşağıdakı yönləndirmə icra müddətindən beş iş günü sonra hələ də açıqdır.</p>{{/step4}}
            <table cellpadding="4" style="border-collapse: collapse">
            <tr><th align="left">İş</th><td>{{caseId}}</td></tr>
            <tr><th align="left">Yönləndirmə</th><td>{{referralId}}</td></tr>
            <tr><th align="left">Qurum</th><td>{{agency}}</td></tr>
            <tr><th align="left">Şəxs</th><td>{{initials}}</td></tr>
            <tr><th align="left">Son müddət</th><td>{{deadline}} (Bakı vaxtı)</td></tr>
            {{#late}}<tr><th align="left">Gecikmə</th><td><strong>{{lateBy}}</strong></td></tr>{{/late}}
            </table>
            <p>Zəhmət olmasa, qurumunuzun sistemində yönləndirmə üzrə tədbir görün.<br>Bu məktubda şəxs yalnız inisialları ilə göstərilir.</p>
            """#,
        "escalation.en.mustache": #"""
            [Reintegration] {{agency}}: {{#late}}{{lateBy}} late{{/late}}{{^late}}due {{deadline}}{{/late}} ({{#reminder}}reminder{{/reminder}}{{^reminder}}alert{{/reminder}}, step {{step}}), referral {{referralId}}

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
            --- html ---
            <p>Dear colleague,</p>
            {{#step1}}<p>The referral below has not been acknowledged and its acknowledgement deadline has passed.</p>{{/step1}}
            {{#step2}}<p>The referral below is due within one working day and is not completed yet.</p>{{/step2}}
            {{#step3}}<p>The referral below has passed its completion deadline and is not completed.</p>{{/step3}}
            {{#step4}}<p>The referral below is still open five working days after its completion deadline.</p>{{/step4}}
            <table cellpadding="4" style="border-collapse: collapse">
            <tr><th align="left">Case</th><td>{{caseId}}</td></tr>
            <tr><th align="left">Referral</th><td>{{referralId}}</td></tr>
            <tr><th align="left">Agency</th><td>{{agency}}</td></tr>
            <tr><th align="left">Person</th><td>{{initials}}</td></tr>
            <tr><th align="left">Deadline</th><td>{{deadline}} (Asia/Baku)</td></tr>
            {{#late}}<tr><th align="left">Late by</th><td><strong>{{lateBy}}</strong></td></tr>{{/late}}
            </table>
            <p>Please act on the referral in your agency's system.<br>This message names the person by initials only.</p>
            """#,
        "extension-requested.az.mustache": #"""
            [Reinteqrasiya] {{agency}} {{referralId}} yönləndirməsinin müddətini {{requestedDueBy}} tarixinə uzatmağı xahiş edir

            Hörmətli həmkar,

            {{agency}} qurumu aşağıdakı yönləndirmə üçün əlavə vaxt istəyir: son müddət {{deadline}} əvəzinə {{requestedDueBy}} tarixinin sonuna keçəcək (Bakı vaxtı).
            Katiblik qərar verənə qədər yönləndirmənin statusu və eskalasiya pillələri dəyişmir.

            İş:               {{caseId}}
            Yönləndirmə:      {{referralId}}
            Qurum:            {{agency}}
            Şəxs:             {{initials}}
            Son müddət:       {{deadline}} (Bakı vaxtı)
            İstənilən tarix:  {{requestedDueBy}}

            Katiblik qərarı belə verir: reintegrationctl referral extension list | approve | refuse.
            Bu məktubda şəxs yalnız inisialları ilə göstərilir.
            --- html ---
            <p>Hörmətli həmkar,</p>
            <p>{{agency}} qurumu aşağıdakı yönləndirmə üçün əlavə vaxt istəyir: son müddət {{deadline}} əvəzinə {{requestedDueBy}} tarixinin sonuna keçəcək (Bakı vaxtı).
            Katiblik qərar verənə qədər yönləndirmənin statusu və eskalasiya pillələri dəyişmir.</p>
            <table cellpadding="4" style="border-collapse: collapse">
            <tr><th align="left">İş</th><td>{{caseId}}</td></tr>
            <tr><th align="left">Yönləndirmə</th><td>{{referralId}}</td></tr>
            <tr><th align="left">Qurum</th><td>{{agency}}</td></tr>
            <tr><th align="left">Şəxs</th><td>{{initials}}</td></tr>
            <tr><th align="left">Son müddət</th><td>{{deadline}} (Bakı vaxtı)</td></tr>
            <tr><th align="left">İstənilən tarix</th><td><strong>{{requestedDueBy}}</strong></td></tr>
            </table>
            <p>Katiblik qərarı belə verir: reintegrationctl referral extension list | approve | refuse.<br>Bu məktubda şəxs yalnız inisialları ilə göstərilir.</p>
            """#,
        "extension-requested.en.mustache": #"""
            [Reintegration] {{agency}} asks to extend referral {{referralId}} to {{requestedDueBy}}

            Dear colleague,

            The agency {{agency}} asks for more time on the referral below: its deadline would move from {{deadline}} to the end of {{requestedDueBy}} (Asia/Baku).
            The referral keeps its status and its escalation ladder until the secretariat decides.

            Case:            {{caseId}}
            Referral:        {{referralId}}
            Agency:          {{agency}}
            Person:          {{initials}}
            Deadline:        {{deadline}} (Asia/Baku)
            Date requested:  {{requestedDueBy}}

            The secretariat decides with: reintegrationctl referral extension list | approve | refuse.
            This message names the person by initials only.
            --- html ---
            <p>Dear colleague,</p>
            <p>The agency {{agency}} asks for more time on the referral below: its deadline would move from {{deadline}} to the end of {{requestedDueBy}} (Asia/Baku).
            The referral keeps its status and its escalation ladder until the secretariat decides.</p>
            <table cellpadding="4" style="border-collapse: collapse">
            <tr><th align="left">Case</th><td>{{caseId}}</td></tr>
            <tr><th align="left">Referral</th><td>{{referralId}}</td></tr>
            <tr><th align="left">Agency</th><td>{{agency}}</td></tr>
            <tr><th align="left">Person</th><td>{{initials}}</td></tr>
            <tr><th align="left">Deadline</th><td>{{deadline}} (Asia/Baku)</td></tr>
            <tr><th align="left">Date requested</th><td><strong>{{requestedDueBy}}</strong></td></tr>
            </table>
            <p>The secretariat decides with: reintegrationctl referral extension list | approve | refuse.<br>This message names the person by initials only.</p>
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
            --- html ---
            <p>{{#noRecipient}}Xəbərdarlığın auditoriyası üçün kataloqda aktiv şəxs tapılmadı, ona görə heç kimə bildirilmədi. Müvafiq şəxsləri əlavə edin və ya aktivləşdirin (reintegrationctl directory).{{/noRecipient}}{{^noRecipient}}Bildiriş təkrar cəhdlərdən sonra çatdırıla bilmədi.{{/noRecipient}}</p>
            <table cellpadding="4" style="border-collapse: collapse">
            <tr><th align="left">Hesabat</th><td>{{deliveryKey}}</td></tr>
            {{#caseId}}<tr><th align="left">İş</th><td>{{caseId}}</td></tr>{{/caseId}}
            {{#referralId}}<tr><th align="left">Yönləndirmə</th><td>{{referralId}}</td></tr>{{/referralId}}
            {{#agency}}<tr><th align="left">Qurum</th><td>{{agency}}</td></tr>{{/agency}}
            </table>
            {{^noRecipient}}<p>Bütün cəhdlər bildiriş sxemində (delivery_attempts) qeydə alınıb.</p>{{/noRecipient}}
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
            --- html ---
            <p>{{#noRecipient}}An alert found no active person in the directory for its audiences, so nobody was told. Add or activate the people concerned (reintegrationctl directory).{{/noRecipient}}{{^noRecipient}}A notification kept failing and was given up after its retries.{{/noRecipient}}</p>
            <table cellpadding="4" style="border-collapse: collapse">
            <tr><th align="left">Report</th><td>{{deliveryKey}}</td></tr>
            {{#caseId}}<tr><th align="left">Case</th><td>{{caseId}}</td></tr>{{/caseId}}
            {{#referralId}}<tr><th align="left">Referral</th><td>{{referralId}}</td></tr>{{/referralId}}
            {{#agency}}<tr><th align="left">Agency</th><td>{{agency}}</td></tr>{{/agency}}
            </table>
            {{^noRecipient}}<p>Every attempt is recorded in the notification schema (delivery_attempts).</p>{{/noRecipient}}
            """#,
    ]
}
