import Synchronization

/// A thread-safe "ready or not" flag that a component flips when it becomes able to
/// do its work (migrations applied, first broker connection made) or stops being so.
///
/// Wrap it in a ``ReadinessCheck`` to have `/readyz` report it.
public final class ReadinessState: Sendable {
    private let flag: Mutex<Bool>

    /// Creates a flag, not ready unless told otherwise.
    public init(ready: Bool = false) {
        flag = Mutex(ready)
    }

    /// Whether the component is ready now.
    public var isReady: Bool {
        flag.withLock { $0 }
    }

    /// Sets the flag.
    public func set(ready: Bool) {
        flag.withLock { $0 = ready }
    }

    /// Marks the component ready.
    public func markReady() {
        set(ready: true)
    }

    /// Marks the component not ready.
    public func markNotReady() {
        set(ready: false)
    }
}
