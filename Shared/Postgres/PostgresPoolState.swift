/// The pool's bookkeeping, kept behind its lock: idle slots, waiting callers and the
/// shutdown phases. Methods return what to resume so continuations run outside the lock.
struct PostgresPoolState {
    struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<PooledConnectionSlot, Error>
    }

    enum Phase {
        case running
        case shuttingDown
        case closed
    }

    enum CheckOutOutcome {
        case slot(PooledConnectionSlot)
        case failure(Error)
        case waiting
    }

    enum CheckInHandOff {
        case waiter(CheckedContinuation<PooledConnectionSlot, Error>)
        case drained(CheckedContinuation<Void, Never>)
        case none
    }

    enum ShutdownStep: Equatable {
        /// This caller performs the shutdown.
        case drive
        /// Another caller performed it.
        case alreadyDone
    }

    /// Every slot, idle or not; used to close them all at shutdown.
    let slots: [PooledConnectionSlot]
    private var idle: [PooledConnectionSlot]
    private var waiters: [Waiter] = []
    private var checkedOut = 0
    private var nextWaiterID = 0
    private var phase = Phase.running
    private var drainContinuation: CheckedContinuation<Void, Never>?
    private var shutdownWaiters: [CheckedContinuation<ShutdownStep, Never>] = []

    init(slots: [PooledConnectionSlot]) {
        self.slots = slots
        self.idle = slots
    }

    mutating func makeWaiterID() -> Int {
        nextWaiterID += 1
        return nextWaiterID
    }

    mutating func checkOut(
        id: Int,
        continuation: CheckedContinuation<PooledConnectionSlot, Error>,
        isCancelled: Bool
    ) -> CheckOutOutcome {
        guard phase == .running else { return .failure(PostgresError.poolClosed) }
        guard !isCancelled else { return .failure(CancellationError()) }
        // Most recently used first: it is the most likely to be connected already.
        if let slot = idle.popLast() {
            checkedOut += 1
            return .slot(slot)
        }
        waiters.append(Waiter(id: id, continuation: continuation))
        return .waiting
    }

    mutating func removeWaiter(id: Int) -> CheckedContinuation<PooledConnectionSlot, Error>? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index).continuation
    }

    mutating func checkIn(_ slot: PooledConnectionSlot) -> CheckInHandOff {
        if phase == .running, !waiters.isEmpty {
            // Hand the slot straight to the longest waiter; it stays checked out.
            return .waiter(waiters.removeFirst().continuation)
        }
        idle.append(slot)
        checkedOut -= 1
        if checkedOut == 0, let drainContinuation {
            self.drainContinuation = nil
            return .drained(drainContinuation)
        }
        return .none
    }

    /// Returns the step to take now (nil: wait on `continuation`) and the callers to fail.
    mutating func beginShutdown(
        _ continuation: CheckedContinuation<ShutdownStep, Never>
    ) -> (ShutdownStep?, [Waiter]) {
        switch phase {
        case .running:
            phase = .shuttingDown
            let failed = waiters
            waiters = []
            return (.drive, failed)
        case .shuttingDown:
            shutdownWaiters.append(continuation)
            return (nil, [])
        case .closed:
            return (.alreadyDone, [])
        }
    }

    /// True when nothing is checked out; otherwise `continuation` is resumed at the last check-in.
    mutating func awaitDrain(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        if checkedOut == 0 { return true }
        drainContinuation = continuation
        return false
    }

    mutating func finishShutdown() -> [CheckedContinuation<ShutdownStep, Never>] {
        phase = .closed
        let waiting = shutdownWaiters
        shutdownWaiters = []
        return waiting
    }
}
