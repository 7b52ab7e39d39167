/// A case dossier as text for a terminal: the case, its referrals, then the timeline.
enum CaseDossierRenderer {
    static func render(_ dossiers: [CaseDossier]) -> String {
        var text = dossiers.count > 1 ? "\(dossiers.count) cases match (oldest first)\n\n" : ""
        text += dossiers.map(render).joined(separator: "\n")
        return text
    }

    static func render(_ dossier: CaseDossier) -> String {
        var text = "Case \(dossier.caseId)\n"
        var facts = TextTable([("", .left), ("", .left)])
        facts.append(["SMS reference", dossier.smsReference])
        facts.append(["person", dossier.personInitials ?? "-"])
        facts.append(["district", dossier.district])
        facts.append(["readmitted", OperatorTime.local(dossier.readmittedAt)])
        facts.append(["opened", OperatorTime.local(dossier.openedAt)])
        facts.append(["consent", dossier.consent])
        text += facts.rendered(indent: "  ", withHeader: false)

        text += "\nReferrals (\(dossier.referrals.count))\n"
        if dossier.referrals.isEmpty {
            text += "  none yet\n"
        } else {
            var table = TextTable([
                ("referral", .left), ("agency", .left), ("status", .left), ("issued", .left), ("acknowledge by", .left), ("due by", .left),
            ])
            for referral in dossier.referrals {
                table.append([
                    referral.referralId, referral.agency, referral.status, OperatorTime.local(referral.issuedAt),
                    OperatorTime.local(referral.acknowledgeBy), OperatorTime.local(referral.dueBy),
                ])
            }
            text += table.rendered(indent: "  ")
        }

        text += "\nTimeline\n"
        var timeline = TextTable([("when", .left), ("agency", .left), ("what", .left)])
        for entry in dossier.timeline {
            timeline.append([OperatorTime.localToTheSecond(entry.at), entry.agency ?? "-", entry.summary])
        }
        text += timeline.rendered(indent: "  ")
        return text
    }
}
