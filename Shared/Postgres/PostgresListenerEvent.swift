/// What a `PostgresListener` reports.
public enum PostgresListenerEvent: Sendable, Hashable {
    /// A NOTIFY on one of the listened channels.
    case notification(channel: String, payload: String)
    /// The listener (re)connected and is listening again. Notifications sent while it was
    /// disconnected are lost, so re-scan for work that may have been missed. Also sent
    /// after the first successful connect.
    case reconnected
}
