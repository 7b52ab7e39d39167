import Postgres

/// The tables every service's schema carries for reliable messaging: the outbox its
/// relay publishes from and the inbox its consumers deduplicate with. Each service puts
/// this migration first in its own list.
public enum MessagingMigration {
    public static let version1 = Migration(version: 1, name: "outbox and inbox", sql: """
        CREATE TABLE outbox (
            id bigserial PRIMARY KEY,
            exchange text NOT NULL,
            routing_key text NOT NULL,
            message_id text NOT NULL,
            message_type text,
            content_type text,
            correlation_id text,
            reply_to text,
            headers jsonb NOT NULL DEFAULT '{}'::jsonb,
            body bytea NOT NULL,
            -- Replies to a requester that has gone away are recorded, not retried.
            drop_if_unroutable boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now(),
            -- A relay leases rows while it publishes; an expired lease is retried.
            claimed_until timestamptz,
            attempts integer NOT NULL DEFAULT 0,
            last_error text,
            published_at timestamptz
        );
        CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;
        CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;

        CREATE TABLE inbox (
            consumer text NOT NULL,
            message_id text NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (consumer, message_id)
        );
        CREATE INDEX inbox_received_at ON inbox (received_at);
        """)
}
