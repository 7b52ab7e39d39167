/// Where the cluster may send a reply (contract v1.1, item 4).
///
/// Replies go through the default exchange, which lets a publisher reach any queue by name;
/// a `reply_to` naming a contract or internal queue would let a sender write into it. Only
/// queues that belong to the requester's own connection are answered: server-named queues
/// and RabbitMQ's direct reply-to (which the broker rewrites to `amq.rabbitmq.reply-to.<token>`).
public enum ReplyQueue {
    static let serverNamedPrefix = "amq.gen-"
    static let directReplyTo = "amq.rabbitmq.reply-to"

    /// Whether a reply may be sent to `name`.
    public static func isAnswerable(_ name: String) -> Bool {
        // Names are at most 255 bytes on the wire; nothing else is a queue the broker made.
        guard name.utf8.count <= 255 else { return false }
        if name.hasPrefix(serverNamedPrefix) { return name.utf8.count > serverNamedPrefix.utf8.count }
        return name == directReplyTo || name.hasPrefix(directReplyTo + ".")
    }
}
