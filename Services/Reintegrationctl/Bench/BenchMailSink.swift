import NIOCore
import NIOPosix
import Synchronization

/// The mail relay `bench notification --mail-sink-port` measures against: it accepts
/// every email and keeps only counts, so the rate measured is the notification service's
/// and not that of a relay writing each message to disk. It speaks just enough SMTP for
/// a client (greeting, `EHLO`/`HELO`, `MAIL`, `RCPT`, `DATA`, `RSET`, `NOOP`, `QUIT`),
/// several messages per connection, on one event loop thread.
final class BenchMailSink: Sendable {
    /// What the sink has seen since it started.
    struct Counts: Sendable {
        /// SMTP connections opened.
        var sessions = 0
        /// Emails accepted (each `DATA` ended with the relay's 250).
        var messages = 0
    }

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let tally: Tally

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, tally: Tally) {
        self.group = group
        self.channel = channel
        self.tally = tally
    }

    /// Listens on `host`:`port` until `stop()`.
    static func start(host: String = "127.0.0.1", port: Int) async throws -> BenchMailSink {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let tally = Tally()
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    tally.opened()
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(SMTPSinkHandler(tally: tally))
                    }
                }
                .bind(host: host, port: port).get()
            return BenchMailSink(group: group, channel: channel, tally: tally)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// The counts so far.
    var counts: Counts { tally.counts }

    /// Stops listening and closes every connection.
    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    /// The counts, shared by the handlers of all connections.
    final class Tally: Sendable {
        private let state = Mutex(Counts())
        var counts: Counts { state.withLock { $0 } }
        func opened() { state.withLock { $0.sessions += 1 } }
        func accepted() { state.withLock { $0.messages += 1 } }
    }
}

/// One SMTP connection of the bench sink: answers commands line by line and skips each
/// message's content up to its terminating `CRLF.CRLF`.
private final class SMTPSinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private static let terminator: [UInt8] = Array("\r\n.\r\n".utf8)
    private let tally: BenchMailSink.Tally
    private var line: [UInt8] = []
    /// How much of the terminator the content seen so far ends with; nil outside `DATA`.
    private var contentMatched: Int?

    init(tally: BenchMailSink.Tally) {
        self.tally = tally
    }

    func channelActive(context: ChannelHandlerContext) {
        reply("220 bench sink ready", context: context)
        context.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        var closing = false
        buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes where !closing {
                if let matched = contentMatched {
                    contentMatched = Self.advance(matched, over: byte)
                    if contentMatched == Self.terminator.count {
                        contentMatched = nil
                        tally.accepted()
                        reply("250 accepted", context: context)
                    }
                    continue
                }
                line.append(byte)
                guard byte == UInt8(ascii: "\n") else { continue }
                closing = answer(String(decoding: line.prefix(4), as: UTF8.self).uppercased(), context: context)
                line.removeAll(keepingCapacity: true)
            }
        }
        context.flush()
        if closing { context.close(promise: nil) }
    }

    /// Answers one command by its verb; returns whether the connection ends.
    private func answer(_ verb: String, context: ChannelHandlerContext) -> Bool {
        switch verb {
        case "EHLO", "HELO", "MAIL", "RCPT", "RSET", "NOOP":
            reply("250 OK", context: context)
        case "DATA":
            // The DATA line's own CRLF counts as the terminator's start: an empty message ends at ".\r\n".
            contentMatched = 2
            reply("354 end with <CRLF>.<CRLF>", context: context)
        case "QUIT":
            reply("221 bye", context: context)
            return true
        default:
            reply("502 not implemented", context: context)
        }
        return false
    }

    /// The terminator prefix matched after `byte`, given `matched` bytes of it before.
    private static func advance(_ matched: Int, over byte: UInt8) -> Int {
        if byte == terminator[matched] { return matched + 1 }
        return byte == terminator[0] ? 1 : 0
    }

    private func reply(_ text: String, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count + 2)
        buffer.writeString(text)
        buffer.writeString("\r\n")
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
