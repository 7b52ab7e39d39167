import Foundation
import IntakeDomain
import Testing

/// One row of a field-rule table: set `path` to `value` (nil removes it) in the valid
/// record and expect either acceptance (`problem` nil) or exactly one problem.
struct FieldCase: Sendable, CustomTestStringConvertible {
    var path: String
    var value: JSONFixture?
    var problem: String?
    /// Where the problem is reported, when not at `path` itself.
    var field: String?

    init(_ path: String, _ value: JSONFixture?, _ problem: String? = nil, at field: String? = nil) {
        self.path = path
        self.value = value
        self.problem = problem
        self.field = field
    }

    var testDescription: String {
        let shown = value.map { String($0.rendered().prefix(40)) } ?? "(absent)"
        return "\(path) = \(shown) → \(problem ?? "accepted")"
    }

    /// Applies the row to `base` and checks the parser's answer.
    func check(base: JSONFixture = IntakeFixtures.validRecord, now: Date = IntakeFixtures.now,
               sourceLocation: SourceLocation = #_sourceLocation) {
        let outcome = IntakeFixtures.parse(base.setting(path, to: value), now: now)
        if let problem {
            guard let refusal = outcome.refusal else {
                Issue.record("expected a refusal, got \(outcome)", sourceLocation: sourceLocation)
                return
            }
            #expect(refusal.reason == .invalidField, sourceLocation: sourceLocation)
            #expect(refusal.problems == [FieldProblem(field: field ?? path, problem: problem)], sourceLocation: sourceLocation)
        } else {
            #expect(outcome.readmission != nil || outcome.consent != nil,
                    "expected acceptance, got \(outcome.refusal?.detail ?? "")", sourceLocation: sourceLocation)
        }
    }
}
