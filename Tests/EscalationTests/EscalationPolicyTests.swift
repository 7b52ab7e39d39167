import Contract
import EscalationDomain
import Foundation
import Testing
import WorkingCalendar

@Suite("EscalationPolicy")
struct EscalationPolicyTests {
    func load(_ json: String) throws(EscalationPolicyError) -> EscalationPolicy {
        try EscalationPolicy.load(json: Array(json.utf8))
    }

    @Test("the default is the contract's ladder and is valid")
    func defaults() throws {
        let policy = EscalationPolicy.default
        try policy.validate()
        #expect(policy.steps.map(\.step) == [1, 2, 3, 4])
        #expect(policy.steps.map(\.anchor) == [.acknowledgeBy, .dueBy, .dueBy, .dueBy])
        #expect(policy.steps.map(\.offset) == [.seconds(1), .workingDays(-1), .seconds(1), .workingDays(5)])
        #expect(try load("{}") == policy)
    }

    @Test("a document may replace the ladder; cancelledBy defaults to completed and declined")
    func replacement() throws {
        let policy = try load("""
            {"steps": [{"step": 1, "anchor": "dueBy", "offset": {"seconds": 0}, "audiences": ["secretariat", "chair"]}]}
            """)
        #expect(policy.steps == [LadderStep(step: 1, anchor: .dueBy, offset: .seconds(0), audiences: [.secretariat, .chair])])
        #expect(policy.steps[0].cancelledBy == [.completed, .declined])
    }

    @Test("encoding round-trips")
    func roundTrip() throws {
        let policy = try load(#"{"agencies": {"health": [{"step": 3, "audiences": ["chair"]}], "local.*": [{"step": 1, "offset": {"seconds": 5}}]}}"#)
        let json = try JSONEncoder().encode(policy)
        #expect(try EscalationPolicy.load(json: json) == policy)
        #expect(policy.ladder(for: "health")[2].audiences == [.chair])
        #expect(policy.ladder(for: "local.sumgait")[0].offset == .seconds(5))
        #expect(policy.ladder(for: "labour") == EscalationPolicy.default.steps)
    }

    @Test("errors name the bad entry", arguments: [
        (#"{"steps": []}"#, "steps"),
        (#"{"steps": [{"step": 1, "anchor": "dueBy", "offset": {"seconds": 1}, "audiences": []}]}"#, "steps[0].audiences"),
        (#"{"steps": [{"step": 1, "anchor": "dueBy", "offset": {"seconds": 1}, "audiences": ["chair", "chair"]}]}"#, "steps[0].audiences"),
        (#"{"steps": [{"step": 1, "anchor": "dueBy", "offset": {"seconds": 1}, "audiences": ["mayor"]}]}"#, "steps[0].audiences[0]"),
        (#"{"steps": [{"step": 1, "anchor": "issuedAt", "offset": {"seconds": 1}, "audiences": ["chair"]}]}"#, "steps[0].anchor"),
        (#"{"steps": [{"step": 0, "anchor": "dueBy", "offset": {"seconds": 1}, "audiences": ["chair"]}]}"#, "steps[0].step"),
        (#"{"steps": [{"step": 1, "anchor": "dueBy", "offset": {"workingDays": 999}, "audiences": ["chair"]}]}"#, "steps[0].offset"),
        (#"{"steps": [{"step": 1, "anchor": "dueBy", "audiences": ["chair"]}]}"#, "steps[0].offset"),
        (#"{"steps": [{"step": 1, "anchor": "dueBy", "offset": {"seconds": 1}, "audiences": ["chair"], "cancelledBy": ["completed"]}]}"#, "steps[0].cancelledBy"),
        (#"{"steps": [{"step": 1, "anchor": "dueBy", "offset": {"seconds": 1}, "audiences": ["chair"], "cancelledBy": ["issued", "completed", "declined"]}]}"#, "steps[0].cancelledBy"),
        (#"{"steps": [{"step": 1, "anchor": "dueBy", "offset": {"seconds": 1}, "audiences": ["chair"]}, {"step": 1, "anchor": "dueBy", "offset": {"seconds": 2}, "audiences": ["chair"]}]}"#, "steps[1].step"),
        (#"{"steps": [{"step": 1, "anchor": "dueBy", "offset": {"seconds": 1}, "audiences": ["chair"], "when": "later"}]}"#, "steps[0].when"),
        (#"{"agencies": {"health": [{"step": 7, "offset": {"seconds": 1}}]}}"#, "agencies.health[0].step"),
        (#"{"agencies": {"health": [{"step": 2}, {"step": 2}]}}"#, "agencies.health[1].step"),
        (#"{"agencies": {"health": [{"step": 2, "offset": {"workingDays": -300}}]}}"#, "agencies.health[0].offset"),
        (#"{"agencies": {"health": [{"step": 2, "audiences": []}]}}"#, "agencies.health[0].audiences"),
        (#"{"agencies": {"Health!": []}}"#, "agencies.Health!"),
        (#"{"ladder": []}"#, "ladder"),
    ])
    func errors(json: String, entry: String) {
        do {
            _ = try load(json)
            Issue.record("accepted \(json)")
        } catch {
            guard case .invalidEntry(let named, let problem) = error else {
                Issue.record("unexpected \(error) for \(json)")
                return
            }
            #expect(named == entry, "\(problem)")
            #expect(error.description.contains(entry))
        }
    }

    @Test("bytes that are not JSON are refused as such")
    func notJSON() {
        #expect(throws: EscalationPolicyError.notJSON) { try load("{steps") }
    }
}
