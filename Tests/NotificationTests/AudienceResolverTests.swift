import Contract
import Foundation
import NotificationDomain
import Testing

@Suite("Audiences resolve to the right people")
struct AudienceResolverTests {
    let healthFocal = NotificationFixtures.focalPoint("fp.health@example.az", webhook: "https://hooks.example.az/alerts")
    let labourFocal = NotificationFixtures.focalPoint("fp.labour@example.az", agency: "labour")
    let inactiveFocal = Recipient(name: "Gone", role: .focalPoint, agencies: ["health"], email: "gone@example.az", active: false)
    let member = Recipient(name: "Member", role: .workingGroupMember, agencies: ["health", "labour"], email: "wg@example.az", language: .en)
    let chair = Recipient(name: "Chair", role: .chair, email: "chair@example.az")
    let secretariat = Recipient(name: "Secretariat", role: .secretariat, email: "sec@example.az")
    let operatorPerson = Recipient(name: "Operator", role: .operator, email: "ops@example.az", language: .en)

    var directory: [Recipient] { [healthFocal, labourFocal, inactiveFocal, member, chair, secretariat, operatorPerson] }

    @Test func focalPointsOfTheRequestsAgencyOnlyWithTheirWebhook() {
        let targets = AudienceResolver.targets(for: NotificationFixtures.escalation(step: 1, audiences: [.focalPoints]), in: directory)
        #expect(targets == [
            DeliveryTarget(recipientId: healthFocal.id, channel: .email), DeliveryTarget(recipientId: healthFocal.id, channel: .webhook),
        ])
    }

    @Test func workingGroupMembersWhoRepresentTheAgency() {
        let health = AudienceResolver.targets(for: NotificationFixtures.escalation(step: 3, audiences: [.workingGroupMembers]), in: directory)
        #expect(health.map(\.recipientId) == [member.id])
        let education = AudienceResolver.targets(
            for: NotificationFixtures.escalation(step: 3, audiences: [.workingGroupMembers], agency: "education"), in: directory)
        #expect(education.isEmpty)
    }

    @Test func chairAndSecretariatForStepFour() {
        let targets = AudienceResolver.targets(for: NotificationFixtures.escalation(step: 4, audiences: [.chair, .secretariat]), in: directory)
        #expect(Set(targets.map(\.recipientId)) == [chair.id, secretariat.id])
    }

    @Test func operatorsOnlyForOperatorReports() {
        let request = NotificationRequest(kind: .operatorReport, deliveryKey: "operator-report:x", audiences: [.operators], requestedAt: Date())
        #expect(AudienceResolver.targets(for: request, in: directory).map(\.recipientId) == [operatorPerson.id])
    }

    @Test func aPersonInSeveralAudiencesGetsOneDeliveryPerChannel() {
        let request = NotificationFixtures.escalation(step: 3, audiences: [.focalPoints, .focalPoints, .workingGroupMembers])
        let targets = AudienceResolver.targets(for: request, in: directory)
        #expect(targets.count == Set(targets).count)
        #expect(targets.count == 3)
    }

    @Test("a request reads only the roles its audiences address, agency-bound or not")
    func rolesToRead() {
        let roles = AudienceResolver.roles(for: [.focalPoints, .chair, .chair])
        #expect(roles.anyAgency == [.chair])
        #expect(roles.ofAgency == [.focalPoint])
        let all = AudienceResolver.roles(for: NotificationRequest.Audience.allCases)
        #expect(Set(all.anyAgency + all.ofAgency) == Set(RecipientRole.allCases))
    }
}
