import Contract
import IntakeDomain
import Testing

@Suite("Who sent a message, and where a reply may go")
struct SenderAndReplyTests {
    @Test("the sender is the broker-validated user_id; without one there is none")
    func senderFromUserId() {
        #expect(MessageSender(userId: "sms-local", onBehalfOf: nil) == MessageSender(account: "sms-local"))
        #expect(MessageSender(userId: nil, onBehalfOf: "sms-local") == nil)
        #expect(MessageSender(userId: "", onBehalfOf: nil) == nil)
    }

    @Test("only an operator's replay may name the system it acts for")
    func onBehalfOf() {
        #expect(MessageSender(userId: "operator-anna", onBehalfOf: "sms-local")
            == MessageSender(account: "sms-local", replayedBy: "operator-anna"))
        // Anyone else naming another system is still itself.
        #expect(MessageSender(userId: "sms-other", onBehalfOf: "sms-local") == MessageSender(account: "sms-other"))
        #expect(MessageSender(userId: "agency-health", onBehalfOf: "sms-local") == MessageSender(account: "agency-health"))
        // An operator naming something that is not an SMS system acts as itself.
        #expect(MessageSender(userId: "operator-anna", onBehalfOf: "agency-health") == MessageSender(account: "operator-anna"))
        #expect(MessageSender(userId: "operator-anna", onBehalfOf: "sms-Bad Name") == MessageSender(account: "operator-anna"))
    }

    @Test("replies go only to server-named queues and direct reply-to", arguments: [
        ("amq.gen-JzTY20BRgKO-HjmUJj0wLg", true), ("amq.rabbitmq.reply-to", true),
        ("amq.rabbitmq.reply-to.g1h2AA5yZXBseUAyNjkzMTk1OAAAAFQAAAAAXw==", true),
        ("referrals.labour", false), ("intake.rejected.sms-other", false), ("amq.gen-", false), ("", false),
        ("amq.rabbitmq.reply-tox", false), ("AMQ.GEN-x", false),
    ])
    func replyQueues(name: String, answerable: Bool) {
        #expect(ReplyQueue.isAnswerable(name) == answerable, "\(name)")
    }
}
