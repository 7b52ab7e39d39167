import Foundation
import Postgres
import Synchronization
import Testing
import TestSupport

/// Collects a listener's events from a background task so tests can wait on them.
private final class EventRecorder: Sendable {
    private let events = Mutex<[PostgresListenerEvent]>([])
    private let finished = Mutex(false)

    func consume(_ stream: AsyncStream<PostgresListenerEvent>) -> Task<Void, Never> {
        Task {
            for await event in stream {
                events.withLock { $0.append(event) }
            }
            finished.withLock { $0 = true }
        }
    }

    var all: [PostgresListenerEvent] { events.withLock { $0 } }
    var reconnections: Int { all.filter { $0 == .reconnected }.count }
    var isFinished: Bool { finished.withLock { $0 } }
}

@Suite("LISTEN/NOTIFY")
struct PostgresListenerTests {
    @Test func deliversNotificationsAndReconnectsAfterTermination() async throws {
        let applicationName = TestEnvironment.uniqueName("listener")
        let channel = TestEnvironment.uniqueName("Cases.Changed")
        let listener = PostgresListener(
            configuration: try TestDatabase.configuration(applicationName: applicationName),
            channels: [channel, "other_channel"],
            logger: TestDatabase.logger
        )
        let recorder = EventRecorder()
        let consumer = recorder.consume(listener.events())

        try await TestDatabase.withPool { pool in
            #expect(await TestDatabase.eventually { recorder.reconnections == 1 })

            try await pool.withConnection { connection in
                try connection.query("SELECT pg_notify($1, $2)", [.text(channel), .text("Əli Məmmədov")])
                try connection.query("SELECT pg_notify($1, $2)", [.text("not_listened"), .text("x")])
                try connection.query("SELECT pg_notify($1, $2)", [.text(channel), .text("second")])
            }
            #expect(await TestDatabase.eventually { recorder.all.count == 3 })
            #expect(
                recorder.all == [
                    .reconnected,
                    .notification(channel: channel, payload: "Əli Məmmədov"),
                    .notification(channel: channel, payload: "second"),
                ]
            )

            // Notifications are sent at commit only.
            await #expect(throws: IntentionalFailure.self) {
                try await pool.withTransaction { connection in
                    try connection.query("SELECT pg_notify($1, $2)", [.text(channel), .text("rolled back")])
                    throw IntentionalFailure()
                }
            }

            let terminated = try await pool.withConnection { connection in
                try connection.query(
                    "SELECT count(pg_terminate_backend(pid, 5000)) AS n FROM pg_stat_activity WHERE application_name = $1",
                    [.text(applicationName)]
                )[0]["n"].decode(Int.self)
            }
            #expect(terminated == 1)
            #expect(await TestDatabase.eventually { recorder.reconnections == 2 })

            _ = try await pool.withConnection { connection in
                try connection.query("SELECT pg_notify($1, $2)", [.text(channel), .text("after reconnect")])
            }
            #expect(await TestDatabase.eventually { recorder.all.last == .notification(channel: channel, payload: "after reconnect") })
            #expect(!recorder.all.contains(.notification(channel: channel, payload: "rolled back")))
        }

        let stopped = ContinuousClock.now
        listener.stop()
        await consumer.value
        #expect(recorder.isFinished)
        #expect(ContinuousClock.now - stopped < .seconds(15), "stop() is noticed within a poll interval, not never")
    }

    @Test func keepsRetryingWhileTheServerIsUnreachable() async throws {
        var configuration = try TestDatabase.configuration()
        configuration.host = "127.0.0.1"
        configuration.port = 1  // nothing listens there
        configuration.connectTimeout = .seconds(2)
        let listener = PostgresListener(configuration: configuration, channels: ["x"], logger: TestDatabase.logger)
        let recorder = EventRecorder()
        let consumer = recorder.consume(listener.events())
        try await Task.sleep(for: .milliseconds(500))
        #expect(recorder.all.isEmpty)
        #expect(!recorder.isFinished)
        listener.stop()
        await consumer.value
        #expect(recorder.isFinished)
    }

    @Test func aSecondConsumerGetsAFinishedStream() async throws {
        let listener = PostgresListener(
            configuration: try TestDatabase.configuration(),
            channels: ["x"],
            logger: TestDatabase.logger
        )
        let first = listener.events()
        var second = listener.events().makeAsyncIterator()
        #expect(await second.next() == nil)
        listener.stop()
        for await _ in first {}
    }
}
