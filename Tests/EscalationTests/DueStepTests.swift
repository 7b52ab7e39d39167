import Contract
import EscalationDomain
import Foundation
import Testing

@Suite("DueStep")
struct DueStepTests {
    let deadline = instant("2026-06-16T23:59:59+04:00")

    func due(step: Int = 3, moment: Date) -> DueStep {
        DueStep(
            referralId: UUID(uuidString: "0B7E7A3C-1D2E-4F50-8A6B-9C0D1E2F3A4B")!, caseId: UUID(), agency: "health", step: step,
            moment: moment, deadline: deadline, audiences: [.workingGroupMembers], personInitials: "Ə. M.")
    }

    @Test("the alert names the step, audience, deadline and initials under a stable delivery key")
    func notificationRequest() {
        let step = due(moment: deadline.addingTimeInterval(1))
        let firedAt = deadline.addingTimeInterval(1.2)
        let request = step.notificationRequest(firedAt: firedAt)
        #expect(request.kind == .escalation)
        #expect(request.deliveryKey == "escalation:0b7e7a3c-1d2e-4f50-8a6b-9c0d1e2f3a4b:3")
        #expect(request.audiences == [.workingGroupMembers])
        #expect(request.agency == "health")
        #expect(request.referralId == step.referralId)
        #expect(request.caseId == step.caseId)
        #expect(request.step == 3)
        #expect(request.deadline == deadline)
        #expect(request.lateBySeconds == 1)
        #expect(request.personInitials == "Ə. M.")
        #expect(request.requestedAt == firedAt)
    }

    @Test("lateBySeconds counts from the deadline and is 0 before it")
    func lateness() {
        let early = due(step: 2, moment: deadline.addingTimeInterval(-86_400))
        #expect(early.notificationRequest(firedAt: early.moment).lateBySeconds == 0)
        let missed = due(step: 3, moment: deadline)
        #expect(missed.notificationRequest(firedAt: deadline.addingTimeInterval(3_600.9)).lateBySeconds == 3_600)
    }

    @Test("a step fired more than a second after its moment is late")
    func misfire() {
        let step = due(moment: deadline)
        #expect(!step.isLate(firedAt: deadline))
        #expect(!step.isLate(firedAt: deadline.addingTimeInterval(0.9)))
        #expect(step.isLate(firedAt: deadline.addingTimeInterval(1.5)))
        #expect(step.delay(firedAt: deadline.addingTimeInterval(42)) == 42)
        #expect(step.delay(firedAt: deadline.addingTimeInterval(-1)) == 0)
    }
}
