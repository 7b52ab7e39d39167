import Retry
import Testing

@Suite("Backoff")
struct BackoffTests {
    @Test("the ceiling doubles from the initial pause and stops at the maximum")
    func ceilingDoublesAndCaps() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
        #expect((0...5).map { backoff.ceiling(attempt: $0) } == [100, 200, 400, 800, 1000, 1000].map { Duration.milliseconds($0) })
        #expect(backoff.ceiling(attempt: -3) == .milliseconds(100))
        #expect(backoff.ceiling(attempt: Int.max) == .seconds(1))
    }

    @Test("each pause is between half its ceiling and all of it (equal jitter)")
    func equalJitter() {
        let backoff = Backoff(initial: .seconds(30), maximum: .seconds(3600))
        for attempt in 0..<12 {
            let ceiling = backoff.ceiling(attempt: attempt)
            for _ in 0..<50 {
                let delay = backoff.delay(attempt: attempt)
                #expect(delay >= ceiling / 2 && delay <= ceiling)
            }
        }
    }
}
