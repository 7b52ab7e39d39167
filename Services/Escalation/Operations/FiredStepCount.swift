/// How many ladder steps fired for a set of referrals, and how many of them fired more
/// than once (which the drill counts as a duplicated effect).
public struct FiredStepCount: Sendable, Equatable {
    public var fired: Int
    public var firedTwice: Int

    public init(fired: Int, firedTwice: Int) {
        self.fired = fired
        self.firedTwice = firedTwice
    }
}
